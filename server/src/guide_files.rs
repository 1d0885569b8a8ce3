//! Reading guide files from disk: finding them and parsing each with the core.

use std::io;
use std::path::{Path, PathBuf};

use waymark::guide::Guide;
use waymark::validate::{from_json, validate_catalog, validate_guide, Problem};

/// The file name that holds the exported JSON Schema beside the guides, not a guide.
const SCHEMA_FILE: &str = "schema.json";

/// An I/O failure, naming the path it happened on.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

/// The guide files named by `paths`, in a stable order: a file as given, a folder
/// searched recursively for `*.json` other than `schema.json`.
pub fn find_guide_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|error| ReadError {
            path: path.clone(),
            error,
        })?;
        if meta.is_dir() {
            let start = files.len();
            walk(path, &mut files)?;
            files[start..].sort();
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let failed = |error| ReadError {
        path: dir.to_owned(),
        error,
    };
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let path = entry.map_err(failed)?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json")
            && path.file_name().is_some_and(|name| name != SCHEMA_FILE)
        {
            files.push(path);
        }
    }
    Ok(())
}

/// What checking a set of guide files found.
pub struct Checked {
    /// The guides that passed every check, with their files.
    pub valid: Vec<(PathBuf, Guide)>,
    /// Every problem, with the file it is in, in file order.
    pub problems: Vec<(PathBuf, Problem)>,
    /// How many files were checked.
    pub files: usize,
}

/// Parses and validates each file on its own, then every guide that parsed as a
/// catalog (duplicate ids, checklists naming missing guides).
pub fn check_files(files: &[PathBuf]) -> Result<Checked, ReadError> {
    let mut parsed: Vec<(PathBuf, Guide)> = Vec::new();
    let mut problems: Vec<(PathBuf, Problem)> = Vec::new();
    let mut faulty: Vec<bool> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|error| ReadError {
            path: file.clone(),
            error,
        })?;
        match from_json(&text) {
            Ok(guide) => {
                let found = validate_guide(&guide);
                faulty.push(!found.is_empty());
                problems.extend(found.into_iter().map(|p| (file.clone(), p)));
                parsed.push((file.clone(), guide));
            }
            Err(problem) => problems.push((file.clone(), problem)),
        }
    }

    // Guides with problems of their own still count here, so a checklist naming a
    // broken guide is not also told that the guide does not exist.
    let guides: Vec<Guide> = parsed.iter().map(|(_, guide)| guide.clone()).collect();
    for (index, problem) in validate_catalog(&guides) {
        match parsed.get(index) {
            Some((file, _)) => {
                faulty[index] = true;
                problems.push((file.clone(), problem));
            }
            // The core promises an index into the slice; keep the problem regardless.
            None => problems.push((PathBuf::from("<catalog>"), problem)),
        }
    }
    // Keep problems grouped by file, in the order the files were given.
    problems.sort_by_key(|(file, _)| files.iter().position(|f| f == file));

    let valid = parsed
        .into_iter()
        .zip(faulty)
        .filter_map(|(entry, bad)| (!bad).then_some(entry))
        .collect();
    Ok(Checked {
        valid,
        problems,
        files: files.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tour(id: &str) -> String {
        format!(
            r#"{{"schema":1,"id":"{id}","kind":"tour","title":"T","version":1,
                "match":{{"urls":["/**"]}},"steps":[{{"id":"a","title":"A"}}]}}"#
        )
    }

    #[test]
    fn a_guide_with_a_catalog_problem_is_left_out_and_its_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a.json");
        let second = dir.path().join("b.json");
        std::fs::write(&first, tour("same")).unwrap();
        std::fs::write(&second, tour("same")).unwrap();
        std::fs::write(dir.path().join(SCHEMA_FILE), "{}").unwrap();

        let files = find_guide_files(&[dir.path().to_owned()]).unwrap();
        assert_eq!(files, vec![first.clone(), second.clone()]);
        let checked = check_files(&files).unwrap();

        assert_eq!(checked.files, 2);
        assert_eq!(checked.valid.len(), 1, "one of the duplicates is served");
        assert_eq!(checked.problems.len(), 1);
        assert_eq!(checked.problems[0].1.path, "id");
    }
}
