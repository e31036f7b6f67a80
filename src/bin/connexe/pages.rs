//! Memory pages while an index is built: small ones, on a command that only saves it.
//!
//! mimalloc asks the kernel for transparent huge pages (2 MiB), which spare queries many TLB
//! misses over the index's memory. But on a virtual machine whose host backs the guest's
//! memory lazily (this project's Firecracker VM among them), the first touch of a fresh huge
//! page costs far more than that of 4 KiB pages: `connexe index` of 100k articles spent
//! 4.5 s of system time with huge pages against 2.0 s without, and took 7.5 s against 6.1 s.
//! An index that is built and saved is never queried by this process, so those commands build
//! it in small pages. Commands that query what they build (`batch`, `bench`, `page`) keep
//! huge pages: `batch` of the same 100k articles took 42 to 44 s with them and 47 s without,
//! its pages 12 % slower. The library leaves this, like the allocator, to the program that
//! embeds it.

/// Keeps transparent huge pages on while building, where a fresh huge page costs little (on
/// bare metal, or a VM whose memory is backed in advance).
pub(crate) const KEEP_HUGE_PAGES: &str = "CONNEXE_BUILD_HUGE_PAGES";

/// Runs `build` with transparent huge pages off for this process (unless [`KEEP_HUGE_PAGES`]
/// is `1`), then restores the setting it found: a parent's choice, inherited, stays.
pub(crate) fn building<R>(build: impl FnOnce() -> R) -> R {
    if std::env::var_os(KEEP_HUGE_PAGES).is_some_and(|v| v == "1") {
        return build();
    }
    #[cfg(target_os = "linux")]
    {
        use nix::sys::prctl;
        // Off already (inherited), or unknown (a kernel without the setting): nothing to
        // change, nor to restore.
        if prctl::get_thp_disable().is_ok_and(|off| !off) && prctl::set_thp_disable(true).is_ok() {
            let built = build();
            // Failing to turn them back on only costs speed.
            let _ = prctl::set_thp_disable(false);
            return built;
        }
    }
    build()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use nix::sys::prctl;

    #[test]
    fn building_turns_huge_pages_off_and_back_on() {
        if std::env::var_os(super::KEEP_HUGE_PAGES).is_some() {
            eprintln!("skipped: {} is set", super::KEEP_HUGE_PAGES);
            return;
        }
        match prctl::get_thp_disable() {
            Ok(false) => {}
            found => {
                eprintln!("skipped: huge pages are not on for this process ({found:?})");
                return;
            }
        }
        assert_eq!(super::building(prctl::get_thp_disable), Ok(true));
        assert_eq!(prctl::get_thp_disable(), Ok(false));
    }
}
