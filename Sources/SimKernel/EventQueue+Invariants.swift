extension EventQueue {
    /// Checks the heap property: no event precedes its parent. Called from
    /// tests after every mutation; O(n), so never on the hot path.
    public func checkInvariants() -> Bool {
        for i in storage.indices.dropFirst() where storage[i].precedes(storage[(i - 1) / 4]) {
            return false
        }
        return true
    }
}
