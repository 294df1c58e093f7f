/// Well-formed XHTML as text: every element closed, every attribute quoted,
/// all text escaped, so the pages parse as XML as well as HTML.
///
///     var page = XHTMLWriter()
///     page.element("p", ["class": "note"]) { $0.text("a < b") }
struct XHTMLWriter {
    private(set) var markup = ""

    /// An element with attributes (written in name order, for stable bytes) and content.
    mutating func element(_ tag: String, _ attributes: [String: String] = [:], _ content: (inout XHTMLWriter) -> Void = { _ in }) {
        markup += "<" + tag + attributeText(attributes) + ">"
        content(&self)
        markup += "</" + tag + ">"
        if Self.blocks.contains(tag) { markup += "\n" }
    }

    /// An element holding only text.
    mutating func element(_ tag: String, _ attributes: [String: String] = [:], text: String) {
        element(tag, attributes) { $0.text(text) }
    }

    /// An element with no content, e.g. `<meta charset="utf-8"/>`.
    mutating func empty(_ tag: String, _ attributes: [String: String] = [:]) {
        markup += "<" + tag + attributeText(attributes) + "/>\n"
    }

    mutating func text(_ text: String) { markup += Self.escape(text) }

    /// Markup already known to be well-formed (an SVG document's root element).
    mutating func trusted(_ markup: String) { self.markup += markup }

    /// Text escaped for element content and double-quoted attributes. Only
    /// the five XML entities: HTML's named ones (`&nbsp;`) are not XML.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and line breaks are not allowed in XML at all.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private func attributeText(_ attributes: [String: String]) -> String {
        attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(Self.escape($0.value))\"" }.joined()
    }

    /// Elements followed by a line break, so the source reads line by line.
    private static let blocks: Set = ["html", "head", "body", "title", "style", "h1", "h2", "h3", "p", "table", "thead",
                                      "tbody", "tr", "ul", "li", "figure", "figcaption", "section", "footer"]
}
