//! The npm package's WebAssembly interface (feature `standalone` on wasm32): a plain C ABI over
//! the module's memory, read by the package's hand-written loader (`pkg-template/loader.js`).
//!
//! The package's wasm needs one function, [`crate::flow::run`] (a JSON string in, a JSON string
//! out); the JavaScript executor performs every effect. wasm-bindgen's generated glue (~1.5 KB
//! gzip of JavaScript) and its runtime inside the module (externref table, start function,
//! stack-pointer and free exports) were pure overhead for that, so the module imports nothing
//! and exports three things:
//!
//! - `memory`: the linear memory.
//! - `alloc(len) -> ptr`: starts a request: frees everything the previous one allocated (the
//!   npm build's allocator is a bump pointer rewound here, see `crate::standalone`), makes the
//!   module's request buffer `len` bytes long (zeroed) and returns its address. The host writes
//!   the UTF-8 request there.
//! - `run() -> ptr`: consumes the request buffer and runs the flow; returns the address of two
//!   `u32`s, the address and the length in bytes of the UTF-8 answer. The answer stays valid
//!   until the next `alloc` or `run` (each `run` frees the previous one), so the host copies it
//!   out at once.
//!
//! Why the module keeps the request buffer instead of taking `run(ptr, len)`: `run` then never
//! trusts an address from the host; nothing a caller passes can make it free or read memory it
//! did not allocate. The request bytes are not trusted either: they are checked to be UTF-8
//! (the loader's `TextEncoder` always writes UTF-8, but the export can be called by anyone with
//! the module) and anything else is answered like a bad config, never a trap.
//!
//! The wasm-bindgen surface (`crate::js`) stays for the non-standalone wasm32 builds (Rust
//! users, `wasm-pack test`).

use crate::prelude::*;

/// The answer to a request that is not UTF-8: `flow::run`'s error answer shape (checked by a
/// test), `invalid_config` like any other unreadable request.
pub const NOT_UTF8: &str = r#"{"error":{"code":"invalid_config","description":"the request is not UTF-8"}}"#;

/// One run on raw request bytes: [`crate::flow::run`] when they are UTF-8, else [`NOT_UTF8`].
pub fn answer(request: &[u8]) -> String {
    if crate::protocol::is_utf8(request) {
        // SAFETY: just checked to be UTF-8. (Borrowed: the request holds every effect result
        // so far, and a copy would double it in each run.)
        crate::flow::run(unsafe { core::str::from_utf8_unchecked(request) })
    } else {
        NOT_UTF8.to_string()
    }
}

#[cfg(all(feature = "standalone", target_arch = "wasm32", not(test)))]
mod exports {
    use crate::prelude::*;
    use core::cell::UnsafeCell;

    /// The module's state between calls: the request being written, the latest answer, and
    /// the (address, length) pair that `run` returns the address of.
    struct State {
        request: Vec<u8>,
        answer: String,
        out: [u32; 2],
    }

    struct Global(UnsafeCell<State>);
    // SAFETY: wasm32 without the atomics feature has one thread, and no export re-enters
    // another (the module imports nothing), so at most one `&mut State` exists at a time.
    unsafe impl Sync for Global {}

    static STATE: Global = Global(UnsafeCell::new(State { request: Vec::new(), answer: String::new(), out: [0; 2] }));

    fn state() -> &'static mut State {
        // SAFETY: see `Global`: each export takes this reference once and drops it on return.
        unsafe { &mut *STATE.0.get() }
    }

    /// Room for a request of `len` bytes; returns its address. Frees the previous answer and
    /// any request not yet run.
    #[no_mangle]
    pub extern "C" fn alloc(len: usize) -> *mut u8 {
        // A new request: everything the previous one allocated (its answer included, which the
        // host has copied out) is free again. The drops below then free nothing.
        crate::standalone::reset();
        let s = state();
        s.answer = String::new();
        s.request = vec![0; len];
        s.request.as_mut_ptr()
    }

    /// Runs the request written after `alloc` (an empty one without `alloc`: an error answer);
    /// returns the address of `[answer address, answer length]`.
    #[no_mangle]
    pub extern "C" fn run() -> *const u32 {
        let s = state();
        if s.request.capacity() == 0 {
            // No request since the last run (or ever): nothing allocated before is used
            // again, and before the first `alloc` the allocator has no heap yet.
            crate::standalone::reset();
        }
        let request = core::mem::take(&mut s.request);
        s.answer = super::answer(&request);
        // (usize is u32 on wasm32.)
        s.out = [s.answer.as_ptr() as u32, s.answer.len() as u32];
        s.out.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::json::{self, Value};

    #[test]
    fn not_utf8_is_an_invalid_config_error_answer() {
        for bytes in [&b"\xff"[..], b"{\"op\":\"config\",\"config\":\"\xc0\xaf\"}", b"\xed\xa0\x80", b"abc\xe2\x82"] {
            assert_eq!(answer(bytes), NOT_UTF8);
        }
        // The same shape as flow::run's error answers, as the executor reads them.
        let v = json::parse(NOT_UTF8).unwrap();
        let error = v.get("error").unwrap();
        let e = crate::flow::error_from_json(error);
        assert_eq!(e, crate::protocol::AuthError::config("the request is not UTF-8"));
        let mut w = json::ObjectWriter::new();
        w.raw("error", &crate::flow::error_json(&e));
        assert_eq!(w.finish(), NOT_UTF8);
        assert!(matches!(v, Value::Object(ref members) if members.len() == 1));
    }

    #[test]
    fn utf8_requests_are_flow_run() {
        for request in [
            "",
            "garbage",
            "{}",
            r#"{"op":"config","config":{"clientId":"spa","redirectUri":"https://app.example/","tokenEndpoint":"https://id.example/token","authorizationEndpoint":"https://id.example/authorize"},"env":{"doc":true,"ws":true},"args":null,"results":[]}"#,
            "{\"op\":\"config\",\"config\":{\"clientId\":\"sp\u{e4}\u{1f600}\"}}",
        ] {
            assert_eq!(answer(request.as_bytes()), crate::flow::run(request), "{request}");
        }
        // Garbage gets an error answer, not a panic.
        assert!(answer(b"\0\x01{").starts_with(r#"{"error":{"code":"#));
    }
}
