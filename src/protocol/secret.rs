//! A string that must never be printed: tokens, codes, verifiers, client secrets.

use crate::prelude::*;

/// Holds a secret value. `Debug` prints `Secret(***)`; read it with [`Secret::expose`].
/// No `Display`, so a secret can't slip into a message through `{}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self { Secret(value.into()) }
    /// The value, for the one place that must send or store it.
    pub fn expose(&self) -> &str { &self.0 }
}

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { f.write_str("Secret(***)") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_expose_gives_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(s.clone(), Secret::new(String::from("hunter2")));
        assert_ne!(s, Secret::new("hunter3"));
    }
}
