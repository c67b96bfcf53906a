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

/// Checks that `dir` can serve as the sync folder: it exists, is a folder
/// whose files can be listed, and a file can be written in it and removed
/// again (a probe file, gone when the check returns). Returns the problem
/// found first, or the number of changeset files in it.
pub(crate) fn check_folder(dir: &Path) -> std::result::Result<u32, crate::error::FieldProblem> {
    use crate::error::FieldProblem;
    let shown = dir.display();
    let problem = |code: ProblemCode, message: String| FieldProblem::new("folder", code, message);
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(problem(
                ProblemCode::FolderMissing,
                format!("the folder {shown} does not exist; plug in the USB stick or connect the shared folder, or choose another"),
            ))
        }
        Err(e) => {
            return Err(problem(ProblemCode::FolderUnreadable, format!("the folder {shown} cannot be read ({e})")))
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(problem(
                ProblemCode::NotAFolder,
                format!("{shown} is a file, not a folder; choose the folder the changeset files go into"),
            ))
        }
        Ok(_) => {}
    }
    let files = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "fcsync"))
            .count() as u32,
        Err(e) => {
            return Err(problem(
                ProblemCode::FolderUnreadable,
                format!("the files in {shown} cannot be listed ({e}); ask for permission to read it or choose another"),
            ))
        }
    };
    let probe = dir.join(format!(".fieldcrm-probe-{}", uuid::Uuid::now_v7().simple()));
    let not_writable = |e: std::io::Error| {
        problem(
            ProblemCode::FolderNotWritable,
            format!("no file can be written in {shown} ({e}); choose a folder you may write in, or make the USB stick writable"),
        )
    };
    std::fs::write(&probe, b"fieldcrm folder check").map_err(not_writable)?;
    if let Err(e) = std::fs::remove_file(&probe) {
        return Err(not_writable(e));
    }
    Ok(files)
}

impl super::Book {
    /// Writes a workbook made in the book's language (`make` is given it) to
    /// `path`, atomically; returns the path written.
    pub(crate) fn save_workbook(
        &self,
        path: &Path,
        make: impl FnOnce(&str) -> Result<Vec<u8>>,
    ) -> super::ApiResult<PathBuf> {
        let bytes = make(&self.language()).map_err(|e| self.public(e))?;
        write_atomically(path, &bytes).map_err(|e| self.public(e))?;
        Ok(path.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::check_folder;
    use crate::error::ProblemCode;

    #[test]
    fn a_usable_folder_passes_and_keeps_nothing_of_the_check() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("a.fcsync"), b"x").expect("file");
        std::fs::write(dir.path().join("notes.txt"), b"x").expect("file");
        assert_eq!(check_folder(dir.path()), Ok(1), "one changeset file; other files are not counted");
        let left: Vec<_> =
            std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(left.len(), 2, "the probe file is removed again: {left:?}");
    }

    #[test]
    fn a_missing_folder_a_file_and_a_read_only_folder_are_each_named() {
        let dir = tempfile::tempdir().expect("dir");
        let code = |path: &std::path::Path| check_folder(path).expect_err("refused").code;
        assert_eq!(code(&dir.path().join("U盘")), ProblemCode::FolderMissing);
        let file = dir.path().join("a.fcsync");
        std::fs::write(&file, b"x").expect("file");
        assert_eq!(code(&file), ProblemCode::NotAFolder);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let locked = dir.path().join("只读");
            std::fs::create_dir(&locked).expect("dir");
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
            // Root may write anywhere; the check can only fail for everyone else.
            if std::fs::write(locked.join("probe"), b"x").is_err() {
                let refused = check_folder(&locked).expect_err("read-only");
                assert_eq!(refused.code, ProblemCode::FolderNotWritable);
                assert!(refused.message.contains("只读"), "the message names the folder: {}", refused.message);
            }
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
        }
    }
}
