//! Group names (societies, districts), each stored once and looked up for
//! every row. `（甲会）` and `(甲会)`, `甲　会` and `甲会`, `ABC学会` and
//! `abc学会` are one group: names are folded as headers are (full-width
//! forms to half-width, spaces removed, letters lower-cased); a group is shown
//! with its first-seen spelling.

use crate::pack::normalize_header;
use indexmap::IndexSet;
use std::collections::HashMap;

type Hasher = foldhash::fast::RandomState;

#[derive(Clone, Default)]
pub(crate) struct Groups {
    /// Folded names; a group's index is its place here.
    folded: IndexSet<String, Hasher>,
    /// The first spelling of each group, for reports.
    shown: Vec<String>,
    /// Spellings met so far → group: most rows repeat one, so folding runs
    /// once per spelling rather than once per row.
    spellings: HashMap<String, usize, Hasher>,
}

impl Groups {
    /// The group of a name, added if new.
    pub(crate) fn intern(&mut self, name: &str) -> usize {
        if let Some(&i) = self.spellings.get(name) {
            return i;
        }
        let folded = normalize_header(name);
        let i = match self.folded.get_index_of(&folded) {
            Some(i) => i,
            None => {
                self.shown.push(name.to_string());
                self.folded.insert_full(folded).0
            }
        };
        self.spellings.insert(name.to_string(), i);
        i
    }

    /// The group of a name taken as written: a warehouse's groups, which the
    /// database has already formed by exact value.
    pub(crate) fn exact(&mut self, name: &str) -> usize {
        if let Some(i) = self.folded.get_index_of(name) {
            return i;
        }
        self.shown.push(name.to_string());
        self.folded.insert_full(name.to_string()).0
    }

    /// How a group is shown: its first spelling.
    pub(crate) fn name(&self, i: usize) -> Option<&String> {
        self.shown.get(i)
    }

    /// A group's name folded (what makes two spellings one group).
    pub(crate) fn folded(&self, i: usize) -> Option<&str> {
        self.folded.get_index(i).map(String::as_str)
    }

    /// The group whose folded name is `folded`.
    pub(crate) fn index_of_folded(&self, folded: &str) -> Option<usize> {
        self.folded.get_index_of(folded)
    }

    pub(crate) fn len(&self) -> usize {
        self.shown.len()
    }

    /// Adds the groups of a later part of the file, in the order it met
    /// them: a group new here keeps the part's first spelling. Returns each
    /// of the part's groups' index here.
    pub(crate) fn absorb(&mut self, later: &Groups) -> Vec<usize> {
        later
            .folded
            .iter()
            .zip(&later.shown)
            .map(|(folded, shown)| match self.folded.get_index_of(folded) {
                Some(i) => i,
                None => {
                    self.shown.push(shown.clone());
                    self.folded.insert_full(folded.clone()).0
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_spaces_and_case_fold_to_the_first_spelling() {
        let mut g = Groups::default();
        let a = g.intern("（甲会）");
        assert_eq!(g.intern("(甲会)"), a);
        assert_eq!(g.intern(" ( 甲会 ) "), a);
        let b = g.intern("甲　会");
        assert_eq!(g.intern("甲会"), b);
        assert_ne!(a, b);
        let c = g.intern("ABC学会");
        assert_eq!(g.intern("abc学会"), c);
        assert_eq!(g.name(a).unwrap(), "（甲会）");
        assert_eq!(g.name(b).unwrap(), "甲　会");
        assert_eq!(g.name(c).unwrap(), "ABC学会");
    }

    #[test]
    fn a_later_part_adds_its_new_groups_in_order_with_their_first_spelling() {
        let mut one = Groups::default();
        let mut first = Groups::default();
        let mut later = Groups::default();
        for (k, name) in [
            "乙会",
            "甲　会",
            "乙 会",
            "甲会",
            "丙会",
            "（丁会）",
            "(丁会)",
        ]
        .iter()
        .enumerate()
        {
            one.intern(name);
            if k < 2 { &mut first } else { &mut later }.intern(name);
        }
        let remap = first.absorb(&later);
        // 乙会 and 甲会 were met before; 丙会 and 丁会 are new, in order.
        assert_eq!(remap, [0, 1, 2, 3]);
        let names = |g: &Groups| (0..g.len()).map(|i| g.name(i).cloned()).collect::<Vec<_>>();
        assert_eq!(names(&first), names(&one));
        assert_eq!(names(&first)[3].as_deref(), Some("（丁会）"));
    }

    #[test]
    fn exact_names_stay_apart() {
        let mut g = Groups::default();
        let a = g.exact("（甲会）");
        assert_eq!(g.exact("（甲会）"), a);
        let b = g.exact("(甲会)");
        assert_ne!(a, b);
        assert_eq!(g.name(b).unwrap(), "(甲会)");
    }
}
