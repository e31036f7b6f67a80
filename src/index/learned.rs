//! Acronyms the corpus teaches ("Long Name (ACRONYM)"), resolved for the current articles:
//! part of the derived statistics, read by entity weighting and retrieval.

use hashbrown::{HashMap, HashSet};

use super::Index;

/// Learned aliases resolved for the current corpus: each long name's acronym, and the long
/// names behind each acronym.
#[derive(Debug, Default)]
pub(super) struct LearnedAliases {
    pub(super) to_short: HashMap<u32, u32>,
    longs: HashMap<u32, Vec<u32>>,
}

impl LearnedAliases {
    pub(super) fn new(index: &Index) -> Self {
        // A long name taught with several acronyms takes the most taught, then the first by text.
        let mut best: HashMap<u32, (u32, u32)> = HashMap::new();
        for (&(long, short), &count) in &index.learned {
            let better = |(s, c): (u32, u32)| {
                count > c || (count == c && index.entities.text(short) < index.entities.text(s))
            };
            match best.get(&long) {
                Some(&current) if !better(current) => {}
                _ => {
                    best.insert(long, (short, count));
                }
            }
        }
        let mut learned = LearnedAliases::default();
        for (long, (short, _)) in best {
            learned.to_short.insert(long, short);
            learned.longs.entry(short).or_default().push(long);
        }
        learned
    }
}

impl LearnedAliases {
    /// How many articles name `entity` as itself or as one of the long names taught as it.
    pub(super) fn articles_naming(&self, index: &Index, entity: u32) -> usize {
        let longs = self.longs_of(entity);
        if longs.is_empty() {
            return index.entity_postings[entity as usize].len();
        }
        let mut slots: HashSet<u32> = HashSet::new();
        for &e in std::iter::once(&entity).chain(longs) {
            slots.extend(index.entity_postings[e as usize].iter().map(|p| p.slot));
        }
        slots.len()
    }

    /// The long names the corpus teaches as this acronym.
    pub(super) fn longs_of(&self, acronym: u32) -> &[u32] {
        self.longs.get(&acronym).map_or(&[], Vec::as_slice)
    }
}
