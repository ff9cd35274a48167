//! The npm package's wasm-bindgen surface: one function. The package's JavaScript executor
//! (`pkg-template/executor.js`) builds `AuthClient` and the free functions on it, performing
//! the effects that [`crate::flow`] asks for.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

// One run of a flow: a JSON request in, a JSON answer out (see `crate::flow`). A `//`
// comment and `skip_jsdoc`: the glue ships no JSDoc.
#[wasm_bindgen(skip_jsdoc)]
pub fn run(request: &str) -> String {
    crate::flow::run(request)
}
