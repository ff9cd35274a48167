//! The wall clock, in Unix seconds.

/// Now, in whole Unix seconds (`Date.now()`).
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
