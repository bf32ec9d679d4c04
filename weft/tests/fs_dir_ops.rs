//! `fs` directory functions, links, metadata and `read_dir`.
#![cfg(all(feature = "fs", feature = "rt", feature = "macros"))]

mod fs_support;

use fs_support::TempDir;
use std::collections::BTreeSet;
use weft::fs;

#[weft::test]
async fn read_dir_lists_exactly_what_was_created() {
    let dir = TempDir::new("readdir");
    let mut expected = BTreeSet::new();
    // More than one blocking batch (32 entries) worth.
    for i in 0..75 {
        let name = format!("file{i}");
        fs::write(dir.join(&name), b"x").await.unwrap();
        expected.insert((name, false));
    }
    for i in 0..5 {
        let name = format!("dir{i}");
        fs::create_dir(dir.join(&name)).await.unwrap();
        expected.insert((name, true));
    }
    let mut seen = BTreeSet::new();
    let mut entries = fs::read_dir(dir.path()).await.unwrap();
    while let Some(entry) = entries.next_entry().await.unwrap() {
        let name = entry.file_name().into_string().unwrap();
        assert_eq!(entry.path(), dir.join(&name));
        let ft = entry.file_type().await.unwrap();
        assert_eq!(ft.is_dir(), entry.metadata().await.unwrap().is_dir());
        assert_ne!(entry.ino(), 0);
        assert!(seen.insert((name, ft.is_dir())), "entry listed twice");
    }
    // Stays at the end.
    assert!(entries.next_entry().await.unwrap().is_none());
    assert_eq!(seen, expected);
}

#[weft::test]
async fn read_dir_of_missing_directory_fails() {
    let dir = TempDir::new("readdir-missing");
    let err = fs::read_dir(dir.join("nope")).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

#[weft::test]
async fn create_rename_copy_remove() {
    let dir = TempDir::new("ops");
    fs::create_dir_all(dir.join("a/b/c")).await.unwrap();
    assert!(fs::metadata(dir.join("a/b/c")).await.unwrap().is_dir());
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir.join("d/e"))
        .await
        .unwrap();
    assert!(fs::try_exists(dir.join("d/e")).await.unwrap());
    assert!(fs::create_dir(dir.join("x/y")).await.is_err());

    fs::write(dir.join("a/f"), "data").await.unwrap();
    assert_eq!(fs::copy(dir.join("a/f"), dir.join("g")).await.unwrap(), 4);
    fs::rename(dir.join("g"), dir.join("h")).await.unwrap();
    assert!(!fs::try_exists(dir.join("g")).await.unwrap());
    assert_eq!(fs::read_to_string(dir.join("h")).await.unwrap(), "data");
    fs::remove_file(dir.join("h")).await.unwrap();
    assert!(fs::remove_dir(dir.join("a")).await.is_err(), "not empty");
    fs::remove_dir(dir.join("d/e")).await.unwrap();
    fs::remove_dir_all(dir.join("a")).await.unwrap();
    assert!(!fs::try_exists(dir.join("a")).await.unwrap());
}

#[weft::test]
async fn links_and_canonicalize() {
    let dir = TempDir::new("links");
    let target = dir.join("target");
    fs::write(&target, b"t").await.unwrap();
    fs::hard_link(&target, dir.join("hard")).await.unwrap();
    fs::symlink(&target, dir.join("soft")).await.unwrap();
    assert_eq!(fs::read(dir.join("hard")).await.unwrap(), b"t");
    assert_eq!(fs::read_link(dir.join("soft")).await.unwrap(), target);
    assert!(fs::symlink_metadata(dir.join("soft"))
        .await
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::metadata(dir.join("soft")).await.unwrap().is_file());
    assert_eq!(
        fs::canonicalize(dir.join("soft")).await.unwrap(),
        std::fs::canonicalize(&target).unwrap()
    );
    // A dangling link does not exist.
    fs::symlink(dir.join("missing"), dir.join("dangling"))
        .await
        .unwrap();
    assert!(!fs::try_exists(dir.join("dangling")).await.unwrap());
}

#[weft::test]
async fn permissions_round_trip() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("perm");
    let path = dir.join("f");
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .await
        .unwrap();
    assert_eq!(
        file.metadata().await.unwrap().permissions().mode() & 0o777,
        0o600
    );
    fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640))
        .await
        .unwrap();
    assert_eq!(
        fs::metadata(&path).await.unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        fs::File::create_new(&path).await.unwrap_err().kind(),
        std::io::ErrorKind::AlreadyExists
    );
}
