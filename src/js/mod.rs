//! A wasm-bindgen surface of the flows: one function, for the wasm32 builds without the
//! `standalone` feature (`wasm-pack test`, Rust programs that want it). The npm package's module
//! is built with `standalone` and has the plain C ABI of `crate::abi` instead, read by the
//! package's hand-written loader; its JavaScript executor (`pkg-template/executor.js`) builds
//! `AuthClient` and the free functions on `run`, performing the effects [`crate::flow`] asks
//! for.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

// One run of a flow: a JSON request in, a JSON answer out (see `crate::flow`). A `//`
// comment and `skip_jsdoc`: the glue ships no JSDoc.
#[wasm_bindgen(skip_jsdoc)]
pub fn run(request: &str) -> String {
    crate::flow::run(request)
}
