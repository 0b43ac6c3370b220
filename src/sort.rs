//! One stable sort for the whole app.
//!
//! Every `slice::sort_by` on a new element type compiles the standard library's stable sort
//! (driftsort: ~3 KB of wasm) once more. The app's sorts (outbox items, the timeline's batches,
//! the group list, receipts, mention names) go through [`sort_by`] instead, which sorts indices
//! with one shared instance and then moves the elements into place; only that small move is
//! compiled per type (docs/performance.md).

use std::cmp::Ordering;

/// Sorts `items` by `cmp`, stable like `slice::sort_by`: equal elements keep their order.
pub fn sort_by<T>(items: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = sorted_order(items.len(), &mut |a, b| cmp(&items[a], &items[b]));
    let mut taken: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .into_iter()
            .map(|i| taken[i].take().expect("each index once")),
    );
}

/// Sorts `items` by `key`, stable like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The positions `0..len` in the order `cmp` puts them: the one instance of the standard sort.
fn sorted_order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no dependency.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulo
            })
            .collect()
    }

    #[test]
    fn sorts_as_the_standard_stable_sort_does() {
        for (seed, n, modulo) in [(1, 0, 5), (2, 1, 5), (3, 2, 2), (4, 17, 4), (5, 300, 10)] {
            // Pairs of (key, original position): equal keys must keep their positions' order.
            let items: Vec<(u64, usize)> = numbers(seed, n, modulo)
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k, i))
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(k, _)| k);
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            assert_eq!(ours, expected, "seed {seed}, {n} items");

            let mut descending = items;
            sort_by(&mut descending, |a, b| b.0.cmp(&a.0));
            assert!(descending
                .windows(2)
                .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)));
        }
    }

    #[test]
    fn moves_owned_values_without_cloning() {
        let mut names = vec!["c".to_owned(), "a".to_owned(), "b".to_owned()];
        sort_by(&mut names, |a, b| a.cmp(b));
        assert_eq!(names, ["a", "b", "c"]);
    }
}
