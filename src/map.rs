//! [`SortedMap`]: the string-keyed map of the guide format, the targeting rules and
//! the engine.
//!
//! Keys kept sorted in a `Vec` (values beside them), in place of `BTreeMap<String, V>`: the
//! B-tree's code (insert, bulk build, search, drop, entry, per value type) cost about
//! 20 KB of the in-page runtime's wasm, and these maps hold a handful of entries (the
//! locales of a guide, the steps of a tour, a user's attributes). It behaves like the
//! `BTreeMap` it replaces where it matters: iteration in key order, `insert` replaces
//! the value of an existing key, and its serde form (a JSON object, in key order) and
//! JSON Schema (`full` feature) are the same.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A map from strings to `V`, sorted by key (byte order, as `BTreeMap<String, _>`).
///
/// Keys and values are kept in two parallel `Vec`s so the key search is one
/// function for every value type, not one per `V`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<V> {
    keys: Vec<String>,
    values: Vec<V>,
}

/// Where `key` is (`Ok`) or would go (`Err`) among sorted `keys`.
fn find(keys: &[String], key: &str) -> Result<usize, usize> {
    keys.binary_search_by(|k| k.as_str().cmp(key))
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<V> SortedMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        SortedMap {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The value of `key`, if it has one.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.values.get(find(&self.keys, key).ok()?)
    }

    /// The value of `key`, to change, if it has one.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.values.get_mut(find(&self.keys, key).ok()?)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        find(&self.keys, key).is_ok()
    }

    /// Sets the value of `key`, giving back the one it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match find(&self.keys, &key) {
            Ok(i) => self
                .values
                .get_mut(i)
                .map(|old| std::mem::replace(old, value)),
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, value);
                None
            }
        }
    }

    /// Removes `key`, giving back its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = find(&self.keys, key).ok()?;
        self.keys.remove(i);
        Some(self.values.remove(i))
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter(self.keys.iter().zip(self.values.iter()))
    }

    /// The keys, in order.
    pub fn keys(&self) -> std::slice::Iter<'_, String> {
        self.keys.iter()
    }

    /// The values, in key order.
    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    /// The values, in key order, to change.
    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }
}

/// The entries of a [`SortedMap`] in key order, as `(&key, &value)`.
#[derive(Clone)]
pub struct Iter<'a, V>(std::iter::Zip<std::slice::Iter<'a, String>, std::slice::Iter<'a, V>>);

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a String, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<V> DoubleEndedIterator for Iter<'_, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back()
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<'a, V> IntoIterator for &'a SortedMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

impl<V> IntoIterator for SortedMap<V> {
    type Item = (String, V);
    type IntoIter = std::iter::Zip<std::vec::IntoIter<String>, std::vec::IntoIter<V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

/// Like `BTreeMap`'s: a later entry of the same key wins.
impl<V> FromIterator<(String, V)> for SortedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(iter);
        map
    }
}

impl<V> Extend<(String, V)> for SortedMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

/// Printed as a map, like `BTreeMap`.
impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A JSON object in key order, as `BTreeMap`'s.
impl<V: Serialize> Serialize for SortedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SortedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SortedMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((k, v)) = access.next_entry::<String, V>()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

/// The schema of a `BTreeMap<String, V>`, so the exported JSON Schema is unchanged.
#[cfg(feature = "full")]
impl<V: schemars::JsonSchema> schemars::JsonSchema for SortedMap<V> {
    fn inline_schema() -> bool {
        <std::collections::BTreeMap<String, V>>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <std::collections::BTreeMap<String, V>>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        <std::collections::BTreeMap<String, V>>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <std::collections::BTreeMap<String, V>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_in_key_order_and_a_later_insert_replaces() {
        let mut m: SortedMap<u32> = [("b", 2), ("a", 1), ("c", 3), ("a", 4)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(
            m.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            [("a", 4), ("b", 2), ("c", 3)]
        );
        assert_eq!(m.insert("b".into(), 5), Some(2));
        assert_eq!(m.get("b"), Some(&5));
        assert_eq!(m.remove("a"), Some(4));
        assert_eq!(m.get("a"), None);
        assert!(!m.contains_key("a") && m.contains_key("c"));
        m.insert("0".into(), 7);
        if let Some(v) = m.get_mut("0") {
            *v += 1;
        }
        assert_eq!(m.keys().collect::<Vec<_>>(), ["0", "b", "c"]);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [8, 5, 3]);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn the_json_form_is_a_btree_maps() {
        let json = r#"{"zh":1,"de-CH":2,"fr":3,"de":4}"#;
        let ours: SortedMap<u32> = serde_json::from_str(json).unwrap();
        let theirs: std::collections::BTreeMap<String, u32> = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&theirs).unwrap()
        );
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        assert!(serde_json::from_str::<SortedMap<u32>>("[1]").is_err());
    }
}
