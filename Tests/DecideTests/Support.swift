import Foundation

/// A scenario file in a fresh temporary folder, with the shipped price catalogue beside it.
func scenarioFile(_ text: String, name: String = "scenario.yaml") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tempolab-decide-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios/catalog.yaml")
    try FileManager.default.copyItem(at: catalog, to: dir.appendingPathComponent("catalog.yaml"))
    let file = dir.appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

/// Small, fast fraud points: a few seconds each even in a debug build.
let smallFraud = """
    name: sweep-fraud
    seed: 7
    horizon: 6h
    warmup: 12h
    scale: 0.002
    workload:
      kind: fraud
    engines:
      - {name: nightly, kind: batch, cadence: 3h}
      - {name: rt, kind: realtime}
      - {name: oracle, kind: oracle}
      - {name: baseline, kind: baseline}
    sweep:
      vary:
        engines.rt.servers: [1, 3]
        engines.nightly.cadence: [1h, 3h]
      target: 50%
    """
