//! Files the facades write for the user (changeset files, workbooks).

use std::path::{Path, PathBuf};

use crate::error::Result;

/// Writes bytes next to `path` and renames them into place, so a reader never
/// sees half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
