//! The runtime's allocator (lol_alloc's free list, chosen for size: see `lib.rs`)
//! under the churn of a page that lives for hours: freed memory is reused, so the
//! wasm memory stops growing once the working set has been reached.
#![cfg(target_arch = "wasm32")]

// Linked for its `#[global_allocator]`: the allocator under test.
extern crate waymark_runtime;

use core::arch::wasm32::memory_size;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// Pages of 64 KiB in the module's memory.
fn pages() -> usize {
    memory_size(0)
}

#[wasm_bindgen_test]
fn memory_stops_growing_under_mixed_allocation_churn() {
    let mut rng = Rng(0x9e37_79b9);
    let mut live: Vec<Vec<u8>> = (0..256).map(|_| Vec::new()).collect();
    let mut churn = |rounds: usize, live: &mut Vec<Vec<u8>>| {
        for _ in 0..rounds {
            let slot = (rng.next() % 256) as usize;
            // Mostly small strings and lists, now and then a large buffer.
            let size = match rng.next() % 100 {
                0 => 64 * 1024,
                1..=9 => 4096 + (rng.next() % 8192) as usize,
                _ => 1 + (rng.next() % 512) as usize,
            };
            if let Some(v) = live.get_mut(slot) {
                *v = vec![slot as u8; size];
            }
        }
    };
    churn(20_000, &mut live);
    let warm = pages();
    churn(200_000, &mut live);
    let after = pages();
    // 200,000 allocations of ~1.5 KB on average would be ~300 MB if nothing were
    // reused; a free list that did not merge neighbours would creep up too.
    assert!(
        after <= warm + 16,
        "memory grew from {warm} to {after} pages under steady churn"
    );
    assert!(live.iter().all(|v| v.iter().all(|&b| b == v[0])));
}

#[wasm_bindgen_test]
fn a_buffer_grown_and_dropped_again_and_again_reuses_its_memory() {
    let grow = || {
        let mut s = String::new();
        for i in 0..100_000u32 {
            s.push(char::from(b'a' + (i % 26) as u8));
        }
        s.len()
    };
    assert_eq!(grow(), 100_000);
    let warm = pages();
    for _ in 0..50 {
        assert_eq!(grow(), 100_000);
    }
    assert!(pages() <= warm + 4, "{warm} -> {} pages", pages());
}
