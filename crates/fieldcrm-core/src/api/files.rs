//! Files the facades write for the user (changeset files, workbooks).

use std::path::{Path, PathBuf};

use crate::error::{Error, ProblemCode, Result};

/// Writes bytes next to `path` and renames them into place, so a reader never
/// sees half a file.
/// A file that cannot be written is refused with a message naming its
/// folder and what to do.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => folder.to_path_buf(),
        None => PathBuf::from("."),
    };
    if path.is_dir() {
        return Err(Error::invalid(
            "path",
            ProblemCode::NotAFile,
            format!("{} is a folder; give the name of the file to write in it", path.display()),
        ));
    }
    if !folder.is_dir() {
        return Err(Error::invalid(
            "path",
            ProblemCode::NoFolder,
            format!(
                "the folder {} does not exist; create it or choose another folder, then write the file again",
                folder.display()
            ),
        ));
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    let cannot = |e: std::io::Error| {
        Error::invalid(
            "path",
            ProblemCode::CannotWrite,
            format!(
                "{} cannot be written ({e}); choose a folder you may write in, or close the file if another program has it open",
                path.display()
            ),
        )
    };
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    Ok(())
}
