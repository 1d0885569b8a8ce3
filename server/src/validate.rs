//! `waymark validate`: check guide files and report every problem by file and JSON path.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::guide_files::{check_files, find_guide_files};

/// Exit code when a guide has a problem.
const PROBLEMS: u8 = 1;
/// Exit code when a path cannot be read.
const IO_ERROR: u8 = 2;

pub fn run(paths: &[PathBuf]) -> ExitCode {
    let checked = match find_guide_files(paths).and_then(|files| check_files(&files)) {
        Ok(checked) => checked,
        Err(error) => {
            eprintln!("waymark validate: {error}");
            return ExitCode::from(IO_ERROR);
        }
    };

    for (file, problem) in &checked.problems {
        eprintln!("{}: {problem}", file.display());
    }
    if checked.problems.is_empty() {
        println!("{} OK", plural(checked.files, "guide"));
        return ExitCode::SUCCESS;
    }
    let faulty_files: BTreeSet<_> = checked.problems.iter().map(|(file, _)| file).collect();
    eprintln!(
        "{} checked, {} in {}",
        plural(checked.files, "guide"),
        plural(checked.problems.len(), "problem"),
        plural(faulty_files.len(), "file"),
    );
    ExitCode::from(PROBLEMS)
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
