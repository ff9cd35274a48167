//! What std would otherwise provide to the npm package's cdylib (feature `standalone`): a panic
//! handler and a global allocator (a bump allocator, reset per request).
//!
//! The library avoids panics by construction; one that happens anyway traps (a JS
//! `RuntimeError: unreachable`) without the kilobytes of std's message formatting.

/// Traps: the message is never formatted.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The npm build's allocator: a bump pointer that [`reset`] rewinds when the host starts a new
/// request (`crate::abi`'s `alloc`). A run is pure (request in, answer out) and keeps nothing,
/// so nothing allocated in one outlives it but the answer, which the host has copied out before
/// it asks for the next request's buffer. Freeing is then a no-op, and so is every value's drop
/// glue: against the free-list allocator used before (lol_alloc) that is -2.4 KB of gzip. The
/// memory's high-water mark is the largest single run's allocations (a few hundred KB at most
/// for real requests; the pages stay with the instance, as with any wasm allocator).
struct Bump;

/// Next free byte and end of the memory (0 until the first [`reset`]: allocation fails until then).
static mut NEXT: usize = 0;
static mut END: usize = 0;

unsafe impl core::alloc::GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // Checked: near the top of a 4 GiB memory a wrapped sum would hand out live memory.
        let Some(end) = ((NEXT - 1) | (layout.align() - 1)).checked_add(1 + layout.size()) else {
            return core::ptr::null_mut();
        };
        let start = end - layout.size();
        if end > END {
            let pages = (end - END + 0xffff) >> 16;
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
            END += pages << 16;
        }
        NEXT = end;
        start as *mut u8
    }

    unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}

    /// Grows the newest block in place (a String or Vec being built), else copies.
    unsafe fn realloc(&self, ptr: *mut u8, layout: core::alloc::Layout, new_size: usize) -> *mut u8 {
        match (ptr as usize).checked_add(new_size) {
            Some(end) if ptr as usize + layout.size() == NEXT && end <= END => {
                NEXT = end;
                return ptr;
            }
            _ => {}
        }
        let new = self.alloc(core::alloc::Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

/// Frees everything: called by `crate::abi`'s `alloc` at the start of each request, when
/// nothing allocated before is used again.
pub fn reset() {
    extern "C" {
        static __heap_base: u8;
    }
    // SAFETY: one thread; `__heap_base` is the linker's end of static data and stack.
    unsafe {
        NEXT = core::ptr::addr_of!(__heap_base) as usize;
        END = core::arch::wasm32::memory_size(0) << 16;
    }
}
