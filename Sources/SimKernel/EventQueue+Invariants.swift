extension EventQueue {
    /// Checks the heap property (no event precedes its parent) and that the
    /// front slot precedes the heap. Called from tests after every mutation;
    /// O(n), so never on the hot path.
    public func checkInvariants() -> Bool {
        if let first = front, let top = storage.first, !first.precedes(top) { return false }
        for i in storage.indices.dropFirst() where storage[i].precedes(storage[(i - 1) / 4]) {
            return false
        }
        return true
    }
}
