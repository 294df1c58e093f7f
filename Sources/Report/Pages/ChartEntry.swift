/// What became of one chart, so a page can embed it or say why it cannot.
struct ChartEntry: Sendable {
    enum State: Sendable, Equatable {
        case rendered
        /// Script and data are written, the images are not; the text says why.
        case notRendered(String)
        /// No engine has data for this chart, so there is no script either.
        case noData
    }
    let name: String
    let title: String
    let caption: String
    let state: State

    var svgPath: String { "charts/\(name).svg" }
    var pngPath: String { "charts/\(name).png" }
    var scriptPath: String { "charts/\(name).gp" }
    var dataPath: String { "charts/\(name).dat" }
}
