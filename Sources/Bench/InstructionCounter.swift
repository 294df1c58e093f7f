import Foundation

/// Retired user-space instructions of this process (and threads it starts),
/// from the kernel's hardware counter through `perf_event_open(2)`.
///
///     switch InstructionCounter.open() {
///     case .available(let counter): let before = counter.read(); work(); print(counter.read() - before)
///     case .unavailable(let why): print("no instruction counts:", why)
///     }
///
/// Instruction counts do not move with clock speed or with other processes
/// sharing the cores, so they are the steadiest figure a benchmark can give —
/// where there is a PMU. Virtual machines often expose none: the open then
/// fails (ENOENT or EOPNOTSUPP; `perf stat -e instructions` prints
/// "<not supported>") and the suites fall back to CPU time and the reference
/// loop ratio, saying so in their output.
public final class InstructionCounter: @unchecked Sendable {
    let descriptor: Int32

    public enum Availability {
        case available(InstructionCounter)
        case unavailable(reason: String)

        public var counter: InstructionCounter? {
            if case .available(let c) = self { return c }
            return nil
        }
        /// One line for the report: what the instruction figures are, or why there are none.
        public var note: String {
            switch self {
            case .available: "user-space instructions per item from perf_event_open (PERF_COUNT_HW_INSTRUCTIONS)"
            case .unavailable(let reason): "instruction counts unavailable: \(reason); figures carry CPU time and the reference-loop ratio instead"
            }
        }
    }

    init(descriptor: Int32) { self.descriptor = descriptor }
    deinit { close(descriptor) }

    /// Opens a counting (not sampling) counter on the calling process, enabled at once.
    public static func open() -> Availability {
        guard let syscall = syscallFunction else { return .unavailable(reason: "syscall(2) not found in the C library") }
        #if arch(x86_64)
        let number = 298
        #elseif arch(arm64)
        let number = 241
        #else
        return .unavailable(reason: "perf_event_open's syscall number is not known for this architecture")
        #endif
        // struct perf_event_attr, laid out by hand (linux/perf_event.h is not in Glibc's module map).
        var attr = [UInt8](repeating: 0, count: 128)
        attr.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(0), toByteOffset: 0, as: UInt32.self)    // type: PERF_TYPE_HARDWARE
            raw.storeBytes(of: UInt32(128), toByteOffset: 4, as: UInt32.self)  // size
            raw.storeBytes(of: UInt64(1), toByteOffset: 8, as: UInt64.self)    // config: PERF_COUNT_HW_INSTRUCTIONS
            // flags: inherit (bit 1) so worker threads count, exclude_kernel (5), exclude_hv (6).
            raw.storeBytes(of: UInt64(1 << 1 | 1 << 5 | 1 << 6), toByteOffset: 40, as: UInt64.self)
        }
        let fd = attr.withUnsafeMutableBytes { syscall(number, $0.baseAddress!, 0, -1, -1, 0) }
        guard fd >= 0 else {
            let code = errno
            let hint = code == ENOENT || code == EOPNOTSUPP ? " (no hardware performance counter on this machine)"
                : code == EACCES || code == EPERM ? " (not permitted: see /proc/sys/kernel/perf_event_paranoid)" : ""
            return .unavailable(reason: "perf_event_open failed: \(String(cString: strerror(code)))\(hint)")
        }
        let counter = InstructionCounter(descriptor: Int32(fd))
        // A read is a system call: some user-space instructions run between two of them.
        let first = counter.read()
        if counter.read() == first {
            return .unavailable(reason: "perf_event_open succeeded but the counter never moves")
        }
        return .available(counter)
    }

    /// Instructions counted so far.
    public func read() -> UInt64 {
        var value: UInt64 = 0
        let n = Glibc.read(descriptor, &value, MemoryLayout<UInt64>.size)
        return n == MemoryLayout<UInt64>.size ? value : 0
    }

    /// glibc's `syscall`, looked up at run time: Swift cannot call a C
    /// variadic function, and glibc has no perf_event_open wrapper. On the
    /// supported ABIs integer arguments pass the same way either side of `...`.
    private typealias SyscallFunction = @convention(c) (Int, UnsafeMutableRawPointer, Int32, Int32, Int32, UInt) -> Int
    private static let syscallFunction: SyscallFunction? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syscall") else { return nil }
        return unsafeBitCast(symbol, to: SyscallFunction.self)
    }()
}
