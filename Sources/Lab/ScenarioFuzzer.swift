import Foundation
import Randomness
import ScenarioSpec

/// Mutates valid scenario files into hostile ones — deleted keys, swapped
/// types, huge and negative numbers, odd units, deep nesting, binary junk —
/// and checks that each ends as either a valid plan or clear diagnostics in
/// the `FILE:LINE:COLUMN: error: MESSAGE` form. A crash or a hang would be
/// the fuzzer's failure, not a verdict it returns.
///
///     var fuzzer = ScenarioFuzzer(seeds: shippedScenarioTexts, path: "Scenarios/fuzz.yaml", seed: 1)
///     let summary = fuzzer.run(inputs: 10_000)
///     summary.malformed.isEmpty
public struct ScenarioFuzzer {
    public let seeds: [String]
    /// Where the mutated text claims to live (its price catalogue is looked up beside it).
    public let path: String
    var rng: RandomStream

    public init(seeds: [String], path: String, seed: UInt64) {
        precondition(!seeds.isEmpty, "the fuzzer mutates at least one valid scenario")
        self.seeds = seeds
        self.path = path
        rng = RandomSource(seed: seed).stream("fuzz")
    }

    public struct Summary: Sendable {
        public var inputs = 0
        public var valid = 0
        public var rejected = 0
        /// Inputs whose diagnostics broke the format (each with the offending line).
        public var malformed: [(input: String, diagnostic: String)] = []
    }

    public mutating func run(inputs: Int) -> Summary {
        var summary = Summary()
        let lab = LabRun(LabRun.Options())
        let format = /^.+:\d+:\d+: error: .+$/
        for _ in 0..<inputs {
            let text = mutate(seeds[Int(rng.next() % UInt64(seeds.count))])
            summary.inputs += 1
            do {
                _ = try lab.plan(yaml: text, path: path)
                summary.valid += 1
            } catch {
                summary.rejected += 1
                if error.diagnostics.isEmpty { summary.malformed.append((text, "(no diagnostic)")) }
                for d in error.diagnostics where (try? format.wholeMatch(in: d.description)) == nil || d.location.line < 1 || d.location.column < 1 {
                    summary.malformed.append((text, d.description))
                }
            }
        }
        return summary
    }

    /// One to three random mutations of a valid scenario's text.
    mutating func mutate(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0...(rng.next() % 3) {
            guard !lines.isEmpty else { break }
            let i = Int(rng.next() % UInt64(lines.count))
            switch rng.next() % 10 {
            case 0: lines.remove(at: i)                                                       // a deleted key
            case 1: lines[i] = replaceValue(lines[i], with: ["[1, 2]", "{a: 1}", "yes", "~", "\"text\"", ""])
            case 2: lines[i] = replaceValue(lines[i], with: ["-1", "0", "1e308", "-1e308", "99999999999999999999", "NaN", ".inf"])
            case 3: lines[i] = replaceValue(lines[i], with: ["5 parsecs", "10/fortnight", "$-3/h", "-5s", "25:00", "150%", "1e400s", "0.0001us"])
            case 4: lines[i] = replaceValue(lines[i], with: [String(repeating: "[", count: 1500) + String(repeating: "]", count: 1500)])
            case 5: lines.insert(String(bytes: (0..<Int(rng.next() % 40)).map { _ in UInt8(rng.next() % 256) }, encoding: .isoLatin1) ?? "", at: i)
            case 6: lines[i] = "  " + lines[i]                                                // broken indentation
            case 7: lines.insert(lines[i], at: i)                                             // a duplicate key
            case 8: lines[i] = String(lines[i].prefix(Int(rng.next() % UInt64(max(1, lines[i].count)))))  // truncation
            default: lines[i] = lines[i].replacingOccurrences(of: ":", with: ": : ")
            }
        }
        return lines.joined(separator: "\n")
    }

    mutating func replaceValue(_ line: String, with choices: [String]) -> String {
        let replacement = choices[Int(rng.next() % UInt64(choices.count))]
        guard let colon = line.firstIndex(of: ":") else { return line + " " + replacement }
        return String(line[...colon]) + " " + replacement
    }
}
