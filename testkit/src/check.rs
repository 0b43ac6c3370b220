//! What a check returns, shared by the client and the event stream.

/// What a check returns: `Err` carries a human-readable reason.
pub type Check<T = ()> = Result<T, String>;

/// Fails the check with a message unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}
