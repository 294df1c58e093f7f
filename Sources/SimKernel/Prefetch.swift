/// LLVM's prefetch hint (address, write, locality 0–3, data cache): Swift has
/// no spelling of its own for it. A hint never faults, so any address will
/// do, even one past an array's end. For state kept per entity that a run
/// loop can see coming (the workload's next items) and that is too large for
/// the cache: asking early overlaps its memory latency with other work.
@_silgen_name("llvm.prefetch.p0")
public func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)
