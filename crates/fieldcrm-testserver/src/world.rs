//! The books a test works on. A *world* is a small sales organisation made the
//! way a real one is: head office's book builds the organisation tree and the
//! staff, enrols each laptop, and the laptops join with head office's first
//! changeset file. Everything goes through the facade; rounds of real
//! changeset files carry the changes between the books.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use fieldcrm_core::api::sync::EnrollDevice;
use fieldcrm_core::api::{NewOrgUnit, NewProfile, NewStaff};
use fieldcrm_core::clock::Zone;
use fieldcrm_core::model::{OrgUnitKind, StaffRole};
use fieldcrm_core::org::{OrgUnit, Staff};
use fieldcrm_core::{ApiError, ApiResult, Book, FixedClock};
use serde::Serialize;

/// One book of a test: its own folder, its own fixed clock.
pub struct TestBook {
    pub book: Book,
    pub clock: Arc<FixedClock>,
}

impl TestBook {
    /// Each command happens one second after the one before.
    pub fn tick(&self) {
        self.clock.advance(Duration::seconds(1));
    }
}

/// A world's books and who is who.
pub struct World {
    pub id: String,
    /// The folder of every book and file of the world (removed with the server).
    pub root: tempfile::TempDir,
    /// Book ids by person key (`office`, `rep`, `rep2`, `manager`, `admin`).
    pub books: Vec<(String, String)>,
    pub office_fingerprint: String,
    pub units: Vec<OrgUnit>,
    pub staff: Vec<Staff>,
}

impl World {
    pub fn book_of(&self, who: &str) -> Option<&str> {
        self.books.iter().find(|(k, _)| k == who).map(|(_, id)| id.as_str())
    }
}

/// The passphrase of the test server's books (never a user's).
pub const PASSPHRASE: &str = "测试口令-field-2026";

/// The test server's book file at `path` as SQLite sees it (opened with its key, sealed with [`PASSPHRASE`]).
pub fn raw(path: &Path) -> ApiResult<rusqlite::Connection> {
    let key = fieldcrm_core::vault::key_from_file(path, PASSPHRASE)?;
    Ok(fieldcrm_core::store::open_raw(path, &key)?)
}

/// A book behind its door (the first screen's tests), in a folder of its own.
pub struct TestDoor {
    pub door: fieldcrm_core::api::door::Door,
    _dir: tempfile::TempDir,
}

#[derive(Default, Clone)]
pub struct Registry {
    books: Arc<Mutex<HashMap<String, Arc<TestBook>>>>,
    doors: Arc<Mutex<HashMap<String, Arc<TestDoor>>>>,
    worlds: Arc<Mutex<HashMap<String, Arc<World>>>>,
    next: Arc<Mutex<u64>>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<Arc<TestBook>> {
        self.books.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    pub fn door(&self, id: &str) -> Option<Arc<TestDoor>> {
        self.doors.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    /// A door to a book that is `kind`: `new` (nothing there yet), `encrypted`
    /// (sealed with [`PASSPHRASE`]) or `plain` (a book of a version before
    /// encryption). No secret store: every door asks.
    pub fn add_door(&self, kind: &str) -> ApiResult<String> {
        use fieldcrm_core::api::door::Door;
        use fieldcrm_core::vault::NoKeyring;
        let dir = tempfile::tempdir().map_err(|e| ApiError::internal(e.to_string()))?;
        let path = dir.path().join("book.sqlite");
        let clock = Arc::new(FixedClock::new(morning_of(NaiveDate::from_ymd_opt(2026, 11, 20).expect("day"))));
        match kind {
            "new" => {}
            "encrypted" => {
                let access = fieldcrm_core::api::Access::passphrase(PASSPHRASE, Arc::new(NoKeyring));
                Book::open(&path, &access, clock.clone())?;
            }
            "plain" => {
                // A migrated book in memory, written out unencrypted.
                let conn = fieldcrm_core::api::open_connection_in_memory()?;
                conn.execute("VACUUM INTO ?1", [path.to_string_lossy()])
                    .map_err(|e| ApiError::internal(e.to_string()))?;
            }
            other => return Err(ApiError::internal(format!("no door kind `{other}`"))),
        }
        let door = Door::new(&path, Arc::new(NoKeyring), clock);
        let id = format!("door{}", self.next_id());
        self.doors.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), Arc::new(TestDoor { door, _dir: dir }));
        Ok(id)
    }

    pub fn world(&self, id: &str) -> ApiResult<Arc<World>> {
        self.worlds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("no test world `{id}`")))
    }

    /// The world a book belongs to (its id is `{world}-{person}`).
    pub fn world_of_book(&self, book: &str) -> ApiResult<Arc<World>> {
        let world = book.split('-').next().unwrap_or_default();
        self.world(world)
    }

    pub fn book(&self, id: &str) -> ApiResult<Arc<TestBook>> {
        self.get(id).ok_or_else(|| ApiError::internal(format!("no test book `{id}`")))
    }

    fn next_id(&self) -> String {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        *next += 1;
        format!("w{next}")
    }

    fn add_book(&self, id: String, book: TestBook) -> Arc<TestBook> {
        let book = Arc::new(book);
        self.books.lock().unwrap_or_else(|e| e.into_inner()).insert(id, Arc::clone(&book));
        book
    }

    /// Removes a world and its books (their files go with its folder).
    pub fn drop_world(&self, id: &str) {
        let world = self.worlds.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
        if let Some(world) = world {
            let mut books = self.books.lock().unwrap_or_else(|e| e.into_inner());
            for (_, book) in &world.books {
                books.remove(book);
            }
        }
    }
}

/// 10:00 in the business time zone on `day`: the fixed clock's start.
pub fn morning_of(day: NaiveDate) -> DateTime<Utc> {
    Zone::DEFAULT.day_start(day) + Duration::hours(10)
}

fn open(dir: &Path, file: &str, at: DateTime<Utc>) -> ApiResult<TestBook> {
    let clock = Arc::new(FixedClock::new(at));
    let access = fieldcrm_core::api::Access::passphrase(PASSPHRASE, Arc::new(fieldcrm_core::vault::NoKeyring));
    let book = Book::open(&dir.join(file), &access, clock.clone())?;
    Ok(TestBook { book, clock })
}

fn unit(book: &Book, parent: &OrgUnit, kind: OrgUnitKind, name: &str, code: &str) -> ApiResult<OrgUnit> {
    book.add_org_unit(&NewOrgUnit { parent_id: Some(parent.id), kind, name: name.into(), code: Some(code.into()) })
}

fn staff(book: &Book, name: &str, role: StaffRole, unit: &OrgUnit, phone: Option<&str>) -> ApiResult<Staff> {
    book.add_staff(&NewStaff {
        name: name.into(),
        role,
        org_unit_id: unit.id,
        phone: phone.map(Into::into),
        regions: None,
    })
}

/// What a new world is asked for.
pub struct WorldSpec {
    pub today: NaiveDate,
}

/// Who is who in a new world, for the test.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorldView {
    pub world: String,
    /// Book ids by person key.
    pub books: HashMap<String, String>,
    pub units: Vec<OrgUnit>,
    pub staff: Vec<Staff>,
    pub office_fingerprint: String,
    /// A folder of the world's for files the test picks or writes.
    pub folder: String,
}

impl WorldView {
    pub fn of(world: &World) -> Self {
        Self {
            world: world.id.clone(),
            books: world.books.iter().cloned().collect(),
            units: world.units.clone(),
            staff: world.staff.clone(),
            office_fingerprint: world.office_fingerprint.clone(),
            folder: files_folder(world).display().to_string(),
        }
    }
}

/// Where a world's loose files (picked, exported, staged) live.
pub fn files_folder(world: &World) -> PathBuf {
    world.root.path().join("files")
}

/// Head office 华丰农资总部 → 山东省 → 潍坊区 → 寿光片区; reps 王强 and 赵刚 in
/// 寿光片区, regional manager 李敏 of 潍坊区, sales administrator 刘敏 (销管)
/// of head office paired with 山东省; each with a laptop that has joined.
pub fn create(registry: &Registry, spec: &WorldSpec) -> ApiResult<Arc<World>> {
    let id = registry.next_id();
    let root = tempfile::tempdir().map_err(|e| ApiError::internal(format!("no temporary folder: {e}")))?;
    std::fs::create_dir_all(root.path().join("files")).map_err(|e| ApiError::internal(e.to_string()))?;
    let at = morning_of(spec.today);
    let office = open(root.path(), "office.sqlite", at)?;
    let profile = office.book.create_profile(&NewProfile {
        name: "赵总".into(),
        role: StaffRole::HeadOffice,
        company_name: "华丰农资总部".into(),
        unit_name: String::new(),
        phone: None,
    })?;
    let units = office.book.org_units()?;
    let hq = units
        .iter()
        .find(|u| u.id == profile.org_unit_id)
        .cloned()
        .ok_or_else(|| ApiError::internal("no head office unit"))?;
    let province = unit(&office.book, &hq, OrgUnitKind::Province, "山东省", "SD")?;
    let region = unit(&office.book, &province, OrgUnitKind::Region, "潍坊区", "WF")?;
    let territory = unit(&office.book, &region, OrgUnitKind::Territory, "寿光片区", "SG")?;
    let people = [
        ("rep", staff(&office.book, "王强", StaffRole::Rep, &territory, Some("13800000001"))?),
        ("rep2", staff(&office.book, "赵刚", StaffRole::Rep, &territory, Some("13800000002"))?),
        ("manager", staff(&office.book, "李敏", StaffRole::RegionalManager, &region, None)?),
        (
            "admin",
            office.book.add_staff(&NewStaff {
                name: "刘敏".into(),
                role: StaffRole::SalesAdmin,
                org_unit_id: hq.id,
                phone: None,
                regions: Some(vec![province.id]),
            })?,
        ),
    ];
    let office_device = office.book.device()?;
    let mut books = vec![("office".to_string(), format!("{id}-office"))];
    let mut laptops = vec![];
    for (key, person) in &people {
        let laptop = open(root.path(), &format!("{key}.sqlite"), at)?;
        let device = laptop.book.device()?;
        office.book.enroll_device(&EnrollDevice {
            staff_id: person.id.to_string(),
            device_id: device.device_id.clone(),
            public_key: device.public_key.clone(),
            name: Some(format!("{}的笔记本", person.name)),
        })?;
        let first = office.book.sync_export_bytes(Some(&device.device_id))?;
        laptop.book.sync_import_bytes(&first, Some(&office_device.fingerprint), &mut |_| {})?;
        books.push(((*key).to_string(), format!("{id}-{key}")));
        laptops.push(((*key).to_string(), laptop));
    }
    registry.add_book(format!("{id}-office"), office);
    for (key, laptop) in laptops {
        registry.add_book(format!("{id}-{key}"), laptop);
    }
    let staff_list = registry.book(&format!("{id}-office"))?.book.staff()?;
    let world = Arc::new(World {
        id: id.clone(),
        root,
        books,
        office_fingerprint: office_device.fingerprint,
        units: registry.book(&format!("{id}-office"))?.book.org_units()?,
        staff: staff_list,
    });
    registry.worlds.lock().unwrap_or_else(|e| e.into_inner()).insert(id, Arc::clone(&world));
    Ok(world)
}

/// A book with no profile yet (the first start), in a world of its own.
pub fn empty(registry: &Registry, today: NaiveDate) -> ApiResult<Arc<World>> {
    let id = registry.next_id();
    let root = tempfile::tempdir().map_err(|e| ApiError::internal(format!("no temporary folder: {e}")))?;
    std::fs::create_dir_all(root.path().join("files")).map_err(|e| ApiError::internal(e.to_string()))?;
    let book = open(root.path(), "book.sqlite", morning_of(today))?;
    registry.add_book(format!("{id}-new"), book);
    let world = Arc::new(World {
        id: id.clone(),
        root,
        books: vec![("new".into(), format!("{id}-new"))],
        office_fingerprint: String::new(),
        units: vec![],
        staff: vec![],
    });
    registry.worlds.lock().unwrap_or_else(|e| e.into_inner()).insert(id, Arc::clone(&world));
    Ok(world)
}

/// One round of changeset files: every laptop's file to head office, then
/// head office's file to every laptop — what a day's sync does.
pub fn sync_round(registry: &Registry, world: &World) -> ApiResult<()> {
    let office = registry.book(world.book_of("office").ok_or_else(|| ApiError::internal("no office"))?)?;
    let laptops: Vec<Arc<TestBook>> =
        world.books.iter().filter(|(k, _)| k != "office").map(|(_, id)| registry.book(id)).collect::<ApiResult<_>>()?;
    for laptop in &laptops {
        laptop.tick();
        let file = laptop.book.sync_export_bytes(None)?;
        office.tick();
        office.book.sync_import_bytes(&file, None, &mut |_| {})?;
    }
    for laptop in &laptops {
        office.tick();
        let to = laptop.book.device()?.device_id;
        let file = office.book.sync_export_bytes(Some(&to))?;
        laptop.tick();
        laptop.book.sync_import_bytes(&file, None, &mut |_| {})?;
    }
    Ok(())
}

/// Moves every clock of the world to `at` (never backwards).
pub fn set_time(registry: &Registry, world: &World, at: DateTime<Utc>) -> ApiResult<()> {
    for (_, id) in &world.books {
        let book = registry.book(id)?;
        if book.clock.now_utc() < at {
            book.clock.set(at);
        }
    }
    Ok(())
}

trait Now {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl Now for FixedClock {
    fn now_utc(&self) -> DateTime<Utc> {
        fieldcrm_core::Clock::now(self)
    }
}
