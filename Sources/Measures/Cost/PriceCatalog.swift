import Foundation
import ScenarioSpec
import SimKernel

/// What resources cost: instance types with their vCPUs, memory and hourly
/// price, storage and memory per GB-month, reads per million, and the billing
/// minimum — read from `Scenarios/catalog.yaml` and overridden by a
/// scenario's `prices:` section.
///
///     let catalog = try PriceCatalog.load(for: scenario)
///     catalog.instances["m6i.xlarge"]?.hourly.dollarsPerHour   // 0.192
public struct PriceCatalog: Sendable, Equatable {
    public struct InstanceType: Sendable, Equatable {
        public var name: String
        public var vcpus: Int
        public var memoryGiB: Double
        public var hourly: MoneyRate
    }

    public var instances: [String: InstanceType] = [:]
    public var storagePerGBMonth = Money(dollars: 0)
    public var memoryPerGBMonth = Money(dollars: 0)
    public var readsPerMillion = Money(dollars: 0)
    public var minimumBilling = SimDuration.seconds(60)
    public var takenOn = ""
    public var source = ""
    /// The file the catalogue came from, for the report.
    public var file = ""

    public init() {}

    /// The catalogue a scenario uses: `prices.catalog` if given, else
    /// `catalog.yaml` beside the scenario file; then the scenario's own
    /// `prices:` keys on top. Every problem is reported with its position.
    public static func load(for scenario: Scenario) throws(ScenarioError) -> PriceCatalog {
        let diagnostics = Diagnostics()
        var overrides = scenario.prices.flatMap { MappingReader($0, what: "the 'prices' mapping", diagnostics) }
        let named = overrides?.optional("catalog", as: String.self)
        let directory = (scenario.file as NSString).deletingLastPathComponent
        let path = named.map { $0.hasPrefix("/") ? $0 : (directory as NSString).appendingPathComponent($0) }
            ?? (directory as NSString).appendingPathComponent("catalog.yaml")
        var catalog = PriceCatalog()
        guard let text = SpecDocument.read(path: path, diagnostics),
              let root = SpecDocument.parse(yaml: text, file: path, diagnostics),
              var reader = MappingReader(root, what: "the price catalogue", diagnostics) else {
            if named == nil {
                diagnostics.error("no price catalogue: put catalog.yaml beside the scenario (one ships in Scenarios/) or set prices: {catalog: FILE}",
                                  at: scenario.prices?.location ?? .start(of: scenario.file))
            }
            throw ScenarioError(diagnostics.sorted)
        }
        catalog.file = path
        catalog.takenOn = reader.optional("taken_on", default: "")
        catalog.source = reader.optional("source", default: "")
        catalog.read(&reader)
        reader.finish()
        if var overrides {
            catalog.read(&overrides)
            overrides.finish()
        }
        guard !diagnostics.hasErrors else { throw ScenarioError(diagnostics.sorted) }
        return catalog
    }

    /// Reads the keys a catalogue and a scenario's `prices:` share; present keys replace, instances merge.
    mutating func read(_ r: inout MappingReader) {
        if var types = r.optionalMapping("instances") {
            for name in types.keys {
                guard var t = types.optionalMapping(name) else { continue }
                let vcpus = t.required("vcpus", as: Int.self, in: 1...1024)
                let memory = t.required("memory_gib", as: Double.self, .greaterThan(0))
                let price = t.required("price", as: MoneyRate.self)
                t.finish()
                if let vcpus, let memory, let price {
                    instances[name] = InstanceType(name: name, vcpus: vcpus, memoryGiB: memory, hourly: price)
                }
            }
            types.finish()
        }
        storagePerGBMonth = r.optional("storage_per_gb_month", default: storagePerGBMonth)
        memoryPerGBMonth = r.optional("memory_per_gb_month", default: memoryPerGBMonth)
        readsPerMillion = r.optional("reads_per_million", default: readsPerMillion)
        minimumBilling = r.optional("minimum_billing", default: minimumBilling)
    }
}
