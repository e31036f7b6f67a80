//! Reusing the memory of large per-article buffers from one article to the next.
//!
//! A buffer of an article's words can be hundreds of kilobytes. Allocated and freed for each
//! article, such buffers made the allocator return memory to the system and fault it back in,
//! zeroed, for the next article: a tenth of the time of a build.

use std::alloc::Layout;

/// `v`, emptied, as a vector of a type of the same size and alignment (the same words
/// borrowing from another text), keeping its memory.
pub(crate) fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    // Collecting an empty vector's iterator in place reuses its allocation when T and U have
    // the same layout (the standard library's in-place collection); nothing is mapped.
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// Buffers of one type kept by a thread between articles.
pub(crate) struct BufferPool<T>(std::cell::RefCell<Vec<Vec<T>>>);

impl<T> BufferPool<T> {
    pub(crate) const fn new() -> Self {
        BufferPool(std::cell::RefCell::new(Vec::new()))
    }

    /// An empty buffer, with the memory of one given back earlier when there is one.
    pub(crate) fn take<U>(&self) -> Vec<U> {
        debug_assert_eq!(
            Layout::new::<T>(),
            Layout::new::<U>(),
            "buffers of another layout"
        );
        let kept = self.0.try_borrow_mut().ok().and_then(|mut pool| pool.pop());
        recycle(kept.unwrap_or_default())
    }

    /// Keeps `buffer`'s memory for a later [`BufferPool::take`]; buffers beyond a few are dropped.
    pub(crate) fn give<U>(&self, buffer: Vec<U>) {
        debug_assert_eq!(
            Layout::new::<T>(),
            Layout::new::<U>(),
            "buffers of another layout"
        );
        if buffer.capacity().saturating_mul(size_of::<U>()) > POOLED_BYTES {
            return;
        }
        if let Ok(mut pool) = self.0.try_borrow_mut()
            && pool.len() < POOLED
        {
            pool.push(recycle(buffer));
        }
    }
}

/// Buffers a pool keeps at most: an article needs three at once (title, lead, body). With
/// [`POOLED_BYTES`], a pool keeps 12 MB at most per thread.
const POOLED: usize = 3;

/// Larger buffers are not kept: a huge article must not leave its memory parked in a thread.
const POOLED_BYTES: usize = 4 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_given_back_comes_back_empty_with_its_memory_for_another_lifetime() {
        let pool: BufferPool<(usize, &'static str)> = BufferPool::new();
        let text = String::from("deux mots");
        let mut words: Vec<(usize, &str)> = pool.take();
        words.extend([(0, &text[..4]), (5, &text[5..])]);
        let capacity = words.capacity();
        pool.give(words);
        let again: Vec<(usize, &str)> = pool.take();
        assert!(again.is_empty());
        assert_eq!(again.capacity(), capacity);
        // Too large to keep: dropped, and the next buffer starts without memory.
        pool.give(Vec::<(usize, &str)>::with_capacity(POOLED_BYTES));
        assert_eq!(pool.take::<(usize, &str)>().capacity(), 0);
    }
}
