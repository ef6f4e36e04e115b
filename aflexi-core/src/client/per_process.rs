//! A value built lazily once per process, and never dropped in a forked child.
//!
//! `fork()` copies only the calling thread. A runtime or connection pool inherited from the
//! parent refers to threads and sockets the child does not own, so using it hangs and
//! dropping it can panic. PHP-FPM, Apache prefork and `pcntl_fork` all fork after PHP has
//! loaded the extension, so everything that owns threads or sockets is built on first use
//! and keyed by the process id; a value inherited from the parent is leaked on purpose
//! (`mem::forget`), never dropped.

use std::sync::Mutex;

use crate::Result;

/// A lazily built value tied to the process that built it.
pub struct PerProcess<T: Clone> {
    slot: Mutex<Option<(u32, T)>>,
}

impl<T: Clone> Default for PerProcess<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> PerProcess<T> {
    /// An empty slot; nothing is built until [`PerProcess::get_or_try_init`].
    pub const fn new() -> Self {
        PerProcess {
            slot: Mutex::new(None),
        }
    }

    /// The value of this process, built with `init` on first use here.
    pub fn get_or_try_init(&self, init: impl FnOnce() -> Result<T>) -> Result<T> {
        let pid = std::process::id();
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((owner, value)) = slot.as_ref() {
            if *owner == pid {
                return Ok(value.clone());
            }
        }
        if let Some(inherited) = slot.take() {
            std::mem::forget(inherited);
        }
        let value = init()?;
        *slot = Some((pid, value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_once_per_process() {
        let slot: PerProcess<u32> = PerProcess::new();
        let mut builds = 0;
        for _ in 0..3 {
            let v = slot
                .get_or_try_init(|| {
                    builds += 1;
                    Ok(7)
                })
                .unwrap();
            assert_eq!(v, 7);
        }
        assert_eq!(builds, 1);
    }

    #[test]
    fn a_failed_build_is_tried_again() {
        let slot: PerProcess<u32> = PerProcess::new();
        assert!(slot
            .get_or_try_init(|| Err(crate::Error::Protocol("x".into())))
            .is_err());
        assert_eq!(slot.get_or_try_init(|| Ok(3)).unwrap(), 3);
    }
}
