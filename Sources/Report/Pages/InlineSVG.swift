/// A chart's SVG file made fit to sit inside an HTML page: the `<svg>` root
/// element alone (no XML declaration or DOCTYPE, which may not appear
/// mid-document), with its ids prefixed by the chart's name, because every
/// gnuplot SVG defines the same ids (`gpPt0`, `gnuplot_canvas`) and a page
/// holds five of them.
///
///     let inline = InlineSVG.rootElement(of: svgText, idPrefix: "staleness")
enum InlineSVG {
    /// The root element with prefixed ids, or nil when the text holds no complete `<svg>` element.
    static func rootElement(of svg: String, idPrefix: String) -> String? {
        guard let start = svg.range(of: "<svg"), let end = svg.range(of: "</svg>", options: .backwards),
              start.lowerBound < end.lowerBound else { return nil }
        let root = String(svg[start.lowerBound..<end.upperBound])
        // gnuplot quotes ids either way, and refers to them as href='#…' and url(#…).
        return root
            .replacing(/(\sid=['"])/) { $0.output.1 + idPrefix + "-" }
            .replacing(/(href=['"]#|url\(#)/) { $0.output.1 + idPrefix + "-" }
    }
}
