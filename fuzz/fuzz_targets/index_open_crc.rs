//! As `index_open`, but every section's CRC-32 is recomputed before opening, so that mutated
//! snapshots get past the checksums and reach the postcard decoding and the index rebuild
//! (with `index_open` alone, nearly every mutation stops at "checksum mismatch").
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../targets.rs"]
mod targets;

/// Layout from src/index/persist/format.rs: 16-byte header, then per section a 4-byte tag, a u64
/// length, a u32 CRC-32 and the payload. Fixes the CRC of every section whose header and
/// payload are in bounds; leaves the rest as it is.
fn fix_checksums(data: &mut [u8]) {
    let mut at = 16;
    while at + 16 <= data.len() {
        let len = u64::from_le_bytes(data[at + 4..at + 12].try_into().unwrap());
        let start = at + 16;
        let Some(end) = usize::try_from(len).ok().and_then(|l| start.checked_add(l)) else {
            return;
        };
        if end > data.len() {
            return;
        }
        let crc = crc32fast::hash(&data[start..end]);
        data[at + 12..at + 16].copy_from_slice(&crc.to_le_bytes());
        at = end;
    }
}

fuzz_target!(|data: &[u8]| {
    let mut data = data.to_vec();
    fix_checksums(&mut data);
    targets::index_open(&data);
});
