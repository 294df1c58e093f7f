import SimKernel

/// What a business knows about the items it ranks: what each one is about,
/// as a distribution over topics — the tags or categories an editor or a
/// classifier puts on content. Engines may read it; it is catalogue
/// metadata, not ground truth. What stays latent is everything about the
/// readers (interests, taste, session intent) and about how items fare
/// (quality, hype, when they expire).
///
///     if let content = workload as? any ItemContent, let topics = content.topics(of: 42) { … }
public protocol ItemContent: Sendable {
    /// The length of every topic vector.
    var topicCount: Int { get }
    /// The item's topic vector (sums to 1), or nil for an id outside the catalogue.
    func topics(of item: Int32) -> [Float]?
}

extension UIWorkload: ItemContent {
    public var topicCount: Int { parameters.topics }

    /// One-hot: item i is about topic i mod topics.
    public func topics(of item: Int32) -> [Float]? {
        guard item >= 0, Int(item) < items else { return nil }
        var v = [Float](repeating: 0, count: parameters.topics)
        v[Int(topic(of: item))] = 1
        return v
    }
}

extension DigestWorkload: ItemContent {
    public var topicCount: Int { parameters.topics }
    public func topics(of item: Int32) -> [Float]? { catalogue.item(item)?.topics }
}

extension RecsysWorkload: ItemContent {
    public var topicCount: Int { parameters.topics }
    public func topics(of item: Int32) -> [Float]? { catalogue.item(item)?.topics }
}
