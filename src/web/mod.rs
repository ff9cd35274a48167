//! Thin adapters over web platform APIs, one per capability, with no policy in them. The Rust
//! host (`crate::client`) performs the flows' effects with them; the npm package performs the
//! same effects in JavaScript (`pkg-template/executor.js`) and links none of this.
//!
//! Everything is reached through `globalThis`, not `window`, so the same module works in pages,
//! workers and Node 20 (where Web Storage and Web Locks are missing and memory is used).

pub mod clock;
#[cfg(feature = "dpop")]
pub mod dpop_key;
pub mod fetch;
pub mod global;
pub mod idb;
pub mod locks;
pub mod location;
pub mod random;
pub mod storage;
pub mod timer;
#[cfg(feature = "id-token-signature")]
pub mod verify;

/// A `static` holding page-wide state, in place of `thread_local!` (which needs std).
/// Sound because wasm32 without the `atomics` target feature runs on exactly one thread.
pub struct PageLocal<T>(pub T);

// SAFETY: single-threaded target (compile error below otherwise); the value is never seen by
// another thread.
#[cfg(not(target_feature = "atomics"))]
unsafe impl<T> Sync for PageLocal<T> {}
