//! What std would otherwise provide to the npm package's cdylib (feature `standalone`): a panic
//! handler and a global allocator.
//!
//! The library avoids panics by construction; one that happens anyway traps (a JS
//! `RuntimeError: unreachable`) without the kilobytes of std's message formatting.

/// Traps: the message is never formatted.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// A free-list allocator (address-ordered, coalescing, so freed memory is reused by later calls
/// in a long-running page): about 0.5 KB of wasm where dlmalloc is about 7 KB (-2.1 KB gzip
/// measured; talc was 1.2 KB gzip larger). Its O(free-list length) cost is nothing for the few
/// dozen live allocations this library holds.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32 without the atomics feature runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
