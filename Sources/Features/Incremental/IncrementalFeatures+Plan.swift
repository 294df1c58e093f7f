extension IncrementalFeatures {
    /// Which accumulators to keep for a view: one slot per (hop, filter,
    /// measure) of its sliding and tumbling windows, per (gap, filter, measure)
    /// of its sessions, and per filter of its time-since-last features.
    struct Plan {
        enum Kind: Hashable { case panes(hop: Int64), sessions(gap: Int64), latest }
        struct Slot: Hashable {
            var kind: Kind
            var filter: EventFilter
            var measure: EventMeasure
            var needsItems = false
            /// How long a pane is kept, in microseconds: the largest window over
            /// these panes, or the reach of a time since last read from them
            /// (`latestFrom`) if longer. For time since last, the largest reach:
            /// how long the latest event time is kept (beyond it every read gives the reach).
            var maxSize: Int64 = 0
            /// The largest distinct-count window over these panes: how long an item record is kept.
            var itemMaxSize: Int64 = 0
            /// Every feature over this slot is a sum.
            var sumsOnly = true
            /// The pane hop, or the session gap (0 for the other kinds), out of `kind` for the hot loops.
            var hop: Int64 = 0
            var gap: Int64 = 0
            /// For time since last: a pane slot over the same events whose panes
            /// are kept at least as long as the reach, or -1. Its newest pane's
            /// last event time is the latest, so this slot keeps no record.
            var latestFrom = -1
        }
        struct Feature {
            var aggregation: Aggregation
            var slot: Int
            var sizePanes: Int64 = 0
            var reach: Int64 = 0
            /// Its window in `windows` (pane slots only), else -1.
            var window = -1
        }
        /// A window of a pane slot, `sizePanes` panes wide: every feature over
        /// the same slot and size reads one accumulator (fraud's seven
        /// features over its all-events slot need three: 5 min, 1 h, 24 h).
        struct Window: Equatable {
            var slot: Int
            var sizePanes: Int64
        }
        var slots: [Slot] = []
        var features: [Feature] = []
        var windows: [Window] = []
        /// The windows over each slot, by window index: slot s's are
        /// `slotWindows[slotWindowStart[s]..<slotWindowStart[s + 1]]` (flat,
        /// so the hot loop of `values` touches no nested array).
        var slotWindows: [Int] = []
        var slotWindowStart: [Int] = [0]
        /// Some slot measures the items' topics.
        var measuresTopics = false
        /// Some session slot keeps its items (a distinct count over sessions).
        var sessionItems = false
        /// How far the watermark moves while the eviction sweep visits every
        /// entity once: an eighth of the longest reach, so a record of an
        /// entity no event touches outlives its last read by at most that.
        /// Against a quarter, a full-scale fraud state holds 10% fewer records
        /// (11.8M against 13.2M after two days) for no measurable update cost;
        /// a sixteenth saves 6% more but its passes slow batched updates.
        var sweepPeriod: Int64 = 1

        init(_ view: FeatureView) {
            measuresTopics = view.measuresTopics
            for f in view.aggregates {
                let kind: Kind
                var size: Int64 = 0
                if f.aggregation == .timeSinceLast {
                    kind = .latest
                } else {
                    switch f.window {
                    case .tumbling(let s):
                        kind = .panes(hop: s.microseconds); size = s.microseconds
                    case .sliding(let s, let h):
                        precondition(s.microseconds % h.microseconds == 0, "a sliding window's size must be a multiple of its hop")
                        kind = .panes(hop: h.microseconds); size = s.microseconds
                    case .session(let gap):
                        kind = .sessions(gap: gap.microseconds)
                    }
                }
                // Time since last reads only event times: what is measured does not matter.
                let measure = kind == .latest ? EventMeasure.amount : f.measure
                var index = slots.firstIndex { $0.kind == kind && $0.filter == f.filter && $0.measure == measure }
                if index == nil {
                    var slot = Slot(kind: kind, filter: f.filter, measure: measure)
                    if case .panes(let hop) = kind { slot.hop = hop }
                    if case .sessions(let gap) = kind { slot.gap = gap }
                    slots.append(slot)
                    index = slots.count - 1
                }
                let i = index!
                if f.aggregation == .distinctCount {
                    slots[i].needsItems = true
                    slots[i].itemMaxSize = max(slots[i].itemMaxSize, size)
                    if case .sessions = kind { sessionItems = true }
                }
                if f.aggregation != .sum { slots[i].sumsOnly = false }
                slots[i].maxSize = max(slots[i].maxSize, kind == .latest ? f.window.reach.microseconds : size)
                var feature = Feature(aggregation: f.aggregation, slot: i, reach: f.window.reach.microseconds)
                if case .panes(let hop) = kind { feature.sizePanes = size / hop }
                features.append(feature)
            }
            precondition(slots.count <= Int(UInt8.max), "too many feature slots")
            // A pane slot that skips events (zeros, when it only sums) misses
            // some latest times. One kept up to a hop short of the reach (a
            // sliding window reaches size + hop) keeps one more pane instead.
            for l in slots.indices where slots[l].kind == .latest {
                let reach = slots[l].maxSize
                guard let p = slots.firstIndex(where: {
                    $0.hop > 0 && $0.filter == slots[l].filter && !$0.sumsOnly && $0.maxSize &+ $0.hop >= reach
                }) else { continue }
                slots[l].latestFrom = p
                slots[p].maxSize = max(slots[p].maxSize, reach)
            }
            for i in features.indices where slots[features[i].slot].hop > 0 {
                let window = Window(slot: features[i].slot, sizePanes: features[i].sizePanes)
                features[i].window = windows.firstIndex(of: window) ?? { windows.append(window); return windows.count - 1 }()
            }
            for s in slots.indices {
                slotWindows += windows.indices.filter { windows[$0].slot == s }
                slotWindowStart.append(slotWindows.count)
            }
            sweepPeriod = max(view.reach.microseconds / 8, 1)
        }

        /// The lowest watermark at which `r` is no longer needed (`.max`:
        /// never by the watermark alone). A pane p (event times ((p−1)·hop,
        /// p·hop]) is needed while some read at or after the watermark can
        /// reach it: until the hop boundary at or before the watermark, less
        /// the widest window over it, passes p·hop (the sizes are multiples of
        /// the hop, so that is the watermark reaching p·hop + size). A session
        /// goes once no event still accepted can join it — the watermark less
        /// the allowed lateness beyond its last event plus the gap — by when
        /// every read finds it over (more than the gap ago); with unlimited
        /// lateness, never. Its items go with it. A latest event time goes
        /// once every read is more than the reach after it, and so gives the reach.
        @inline(__always) func evictableAt(_ r: Record, lateness: Int64?) -> Int64 {
            let slot = slots[Int(r.slot)]
            switch r.kind {
            case .pane:
                return r.key &* slot.hop &+ slot.maxSize
            case .singles:
                // All of them go with the newest: a read's window bounds skip the older ones.
                return paneIndex(r.newestSingle.time, hop: slot.hop) &* slot.hop &+ slot.maxSize
            case .item:
                return slot.hop == 0 ? .max : r.key &* slot.hop &+ slot.itemMaxSize
            case .session:
                guard let lateness else { return .max }
                return r.accumulator.lastTime &+ slot.gap &+ lateness &+ 1
            case .latest:
                return r.accumulator.lastTime &+ slot.maxSize
            }
        }
    }
}
