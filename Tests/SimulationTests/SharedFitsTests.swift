import Foundation
import Models
import Synchronization
import Testing
@testable import Engines
@testable import Simulation

@Suite struct SharedFitsTests {
    struct Broken: Error {}

    func models(_ intercept: Float) -> TrainedModels {
        let model = ScoringModel(regression: LogisticRegression(weights: [1, 2], intercept: intercept), usesRequestFeatures: false)
        return TrainedModels(entityOnly: model, full: model, trainingRows: 2, positives: 1)
    }

    /// Simulations reaching the same fit at once: one makes it, the others
    /// wait and get the very same models; the next fit is made anew.
    @Test func eachFitIsMadeOnceForEverySimulationThatAsks() throws {
        let fits = SharedFits()
        let made = Mutex(0)
        let intercepts = Mutex([Float]())
        DispatchQueue.concurrentPerform(iterations: 8) { k in
            let m = try! fits.fit(0) {
                made.withLock { $0 += 1 }
                Thread.sleep(forTimeInterval: 0.05)  // long enough for the others to arrive while it is made
                return models(Float(k))
            }
            intercepts.withLock { $0.append(m.full.regression.intercept) }
        }
        #expect(made.withLock { $0 } == 1)
        #expect(Set(intercepts.withLock { $0 }).count == 1, "every simulation got the one fit made")
        let second = try fits.fit(1) { models(42) }
        #expect(second.full.regression.intercept == 42)
        #expect(try fits.fit(0) { models(-1) }.full.regression.intercept != -1, "a fit made is not made again")
    }

    /// A fit that failed fails for those that waited on it, instead of leaving them waiting.
    @Test func aFailedFitFailsEveryWaiter() {
        let fits = SharedFits()
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                _ = try fits.fit(0) {
                    Thread.sleep(forTimeInterval: 0.05)
                    throw Broken()
                }
            } catch is Broken {
                failures.withLock { $0 += 1 }
            } catch {}
        }
        #expect(failures.withLock { $0 } == 4)
    }
}
