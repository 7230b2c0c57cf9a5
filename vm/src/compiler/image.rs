//! Compiled programs kept apart from any heap, so one compilation serves every VM that
//! loads the same source: a factory line starts thousands of VMs on a few firmwares,
//! and compiling each again was a seventh of its work.
//!
//! A prototype names its heap's strings (and enum tables) by id, so it cannot move to
//! another VM as it is. An [`Image`] is a compilation renumbered into lists of its own:
//! the strings' bytes, and the tables the compilation filled (the const table, which
//! `const` and `enum` declarations fill, and the enum tables). Loading it into a VM
//! interns the strings there, makes the tables with their layout (so `foreach` order
//! is the compiler's) and copies the prototypes with the ids renumbered: what compiling
//! the source into that VM would have made.
//!
//! That holds when the compilation depended on nothing in the VM but the profile: the
//! compiler reads the const table (constants fold into the code), so images are taken
//! and loaded only while the const table is empty. A compilation naming any other heap
//! object is not kept.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::compiler::bytecode::{LocalInfo, Proto};
use crate::heap::table::Table;
use crate::heap::value::{StrId, TableId, Value};
use crate::heap::{memory, Heap};
use crate::syntax::deeper;
use crate::syntax::Ast;
use crate::Profile;

/// Images kept per thread (a line's fixture, DUT and application firmware, both sides).
const KEPT: usize = 16;

/// A compilation apart from any heap: `StrId(i)` in its prototypes and tables is
/// `strings[i]`, `TableId(j)` is `tables[j]`; `tables[0]` is the const table.
pub(crate) struct Image {
    main: Proto,
    strings: Vec<Box<[u8]>>,
    tables: Vec<Table>,
}

/// A compilation seen, with what it was compiled from: the parse cache hands out one
/// tree per source, file and dialect, so the tree's address and the profile identify
/// the compilation. Its image is taken when it is compiled a second time: a program
/// compiled once (a script run, a test file) pays nothing for it.
struct Kept {
    ast: Rc<Ast>,
    profile: Profile,
    image: Option<Rc<Image>>,
}

thread_local! {
    /// Most recently used first.
    static IMAGES: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
}

/// The image of `ast` compiled under `profile`, if one is kept.
pub(crate) fn find(ast: &Rc<Ast>, profile: Profile) -> Option<Rc<Image>> {
    IMAGES.with_borrow_mut(|kept| {
        let i = kept.iter().position(|k| Rc::ptr_eq(&k.ast, ast) && k.profile == profile && k.image.is_some())?;
        let hit = kept.remove(i);
        let image = hit.image.clone();
        kept.insert(0, hit);
        image
    })
}

/// Notes that `main` was just compiled from `ast` into `heap`, whose const table
/// `consts` was empty before; the second time, keeps its image (unless it names
/// objects an image cannot hold). What is kept is the host's memory, not the VM's.
pub(crate) fn keep(ast: &Rc<Ast>, profile: Profile, heap: &Heap, consts: TableId, main: &Proto) {
    memory::unmetered(|| {
        IMAGES.with_borrow_mut(|kept| {
            let seen = kept.iter().position(|k| Rc::ptr_eq(&k.ast, ast) && k.profile == profile);
            let mut entry = match seen {
                Some(i) => kept.remove(i),
                None => Kept { ast: ast.clone(), profile, image: None },
            };
            if seen.is_some() {
                entry.image = Image::take(heap, consts, main).map(Rc::new);
            }
            kept.insert(0, entry);
            kept.truncate(KEPT);
        });
    })
}

/// Renumbers the ids in prototypes and tables; `None` refuses an object.
trait Renumber {
    fn string(&mut self, id: StrId) -> Option<StrId>;
    fn table(&mut self, id: TableId) -> Option<TableId>;

    fn value(&mut self, v: Value) -> Option<Value> {
        match v {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(v),
            Value::Str(s) => self.string(s).map(Value::Str),
            Value::Table(t) => self.table(t).map(Value::Table),
            _ => None,
        }
    }
}

/// From a heap into an image: ids are numbered in the order first met.
struct Take<'a> {
    heap: &'a Heap,
    strings: HashMap<StrId, u32>,
    tables: HashMap<TableId, u32>,
    /// The heap's tables in image order.
    order: Vec<TableId>,
}

impl Renumber for Take<'_> {
    fn string(&mut self, id: StrId) -> Option<StrId> {
        let next = self.strings.len() as u32;
        Some(StrId(*self.strings.entry(id).or_insert(next)))
    }

    fn table(&mut self, id: TableId) -> Option<TableId> {
        let next = self.tables.len() as u32;
        let n = *self.tables.entry(id).or_insert_with(|| {
            self.order.push(id);
            next
        });
        Some(TableId(n))
    }
}

/// From an image into a heap.
struct Load {
    strings: Vec<StrId>,
    tables: Vec<TableId>,
}

impl Renumber for Load {
    fn string(&mut self, id: StrId) -> Option<StrId> {
        self.strings.get(id.0 as usize).copied()
    }

    fn table(&mut self, id: TableId) -> Option<TableId> {
        self.tables.get(id.0 as usize).copied()
    }
}

impl Image {
    fn take(heap: &Heap, consts: TableId, main: &Proto) -> Option<Image> {
        let mut take = Take { heap, strings: HashMap::new(), tables: HashMap::new(), order: Vec::new() };
        take.table(consts);
        let main = renumbered(main, &mut take)?;
        let mut tables = Vec::new();
        // Copying a table may meet further tables (an enum held by a constant).
        while let Some(&id) = take.order.get(tables.len()) {
            tables.push(copy_table(take.heap.table(id), &mut take)?);
        }
        let mut strings = vec![Box::default(); take.strings.len()];
        for (&id, &n) in &take.strings {
            strings[n as usize] = heap.str(id).into();
        }
        Some(Image { main, strings, tables })
    }

    /// Loads the image into `heap`, whose const table `consts` is empty, and returns
    /// its main function.
    pub(crate) fn load(&self, heap: &mut Heap, consts: TableId) -> Rc<Proto> {
        debug_assert!(heap.table(consts).len() == 0, "images load into an empty const table");
        let strings = self.strings.iter().map(|s| heap.intern(s)).collect();
        let fresh = (1..self.tables.len()).map(|_| heap.alloc_table(Table::with_capacity(0)));
        let mut load = Load { strings, tables: std::iter::once(consts).chain(fresh).collect() };
        // An image names only its own strings and tables (`take` numbered every one).
        let taken = "an image names only its own strings and tables";
        for (t, &id) in self.tables.iter().zip(&load.tables.clone()) {
            *heap.table_mut(id) = copy_table(t, &mut load).expect(taken);
        }
        Rc::new(renumbered(&self.main, &mut load).expect(taken))
    }
}

/// `t` with its keys and values renumbered and its layout kept: a string key hashes by
/// its bytes, which renumbering keeps.
fn copy_table(t: &Table, r: &mut impl Renumber) -> Option<Table> {
    if t.delegate.is_some() {
        return None;
    }
    t.renumbered(|v| r.value(v))
}

/// A copy of `p` and its nested prototypes with their ids renumbered, and fresh
/// per-VM state (inline caches, profile counts, collector marks).
fn renumbered(p: &Proto, r: &mut impl Renumber) -> Option<Proto> {
    let values = |vs: &[Value], r: &mut _| vs.iter().map(|&v| Renumber::value(r, v)).collect::<Option<Vec<_>>>();
    let strings = |ids: &[StrId], r: &mut _| ids.iter().map(|&s| Renumber::string(r, s)).collect::<Option<Vec<_>>>();
    let mut children = Vec::with_capacity(p.children.len());
    for child in &p.children {
        children.push(Rc::new(deeper(|| renumbered(child, r))?));
    }
    let locals = p.locals.iter().map(|l| Some(LocalInfo { name: r.string(l.name)?, ..*l })).collect::<Option<_>>()?;
    let files = p.files.iter().map(|&(pc, file)| Some((pc, r.value(file)?))).collect::<Option<_>>()?;
    Some(Proto {
        name: r.value(p.name)?,
        source: r.value(p.source)?,
        code: p.code.clone(),
        consts: values(&p.consts, r)?,
        children,
        params: strings(&p.params, r)?,
        nparams: p.nparams,
        varargs: p.varargs,
        ndefaults: p.ndefaults,
        max_regs: p.max_regs,
        outers: p.outers.clone(),
        outer_names: strings(&p.outer_names, r)?,
        lines: p.lines.clone(),
        files,
        locals,
        generator: p.generator,
        plain_arity: p.plain_arity,
        gc_epoch: Default::default(),
        ic: crate::interpreter::cache::InlineCache::new(p.code.len()),
        executed: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use crate::{Profile, Value, Vm};

    const PROGRAM: &str = r#"
        enum Color { red = 1, green = "g", blue = 2.5 }
        const LIMIT = 3;
        local palette = Color;
        function counter(start) { local n = start; return function() { n += LIMIT; return n } }
        local c = counter(Color.red);
        c();
        print(c() + " " + Color.green + " " + palette.blue + "\n");
        foreach (k, v in Color) print(k + "=" + v + " ");
        foreach (k, v in getconsttable()) print(k + " ");
        class Point { x = 0; constructor(x) { this.x = x } function twice() { return x * 2 } }
        print("\n" + Point(21).twice() + " " + (palette == getconsttable().Color) + "\n");
    "#;

    #[test]
    fn a_second_vm_loads_the_image_and_runs_the_same() {
        let ast = crate::syntax::parse_shared(PROGRAM, "image.nut", Profile::Squirrel.dialect()).unwrap();
        let mut first = Vm::new(Profile::Squirrel);
        let expected = first.printed(PROGRAM, "image.nut");
        assert!(super::find(&ast, Profile::Squirrel).is_none(), "one compilation keeps no image");
        assert_eq!(Vm::new(Profile::Squirrel).printed(PROGRAM, "image.nut"), expected);
        assert!(super::find(&ast, Profile::Squirrel).is_some(), "the second compilation was kept");
        let mut second = Vm::new(Profile::Squirrel);
        // Other strings first, so the second heap numbers the program's strings apart.
        for i in 0..100 {
            second.string(&format!("filler {i}"));
        }
        assert_eq!(second.printed(PROGRAM, "image.nut"), expected);
        assert_eq!(expected, "7 g 2.5\ngreen=g blue=2.5 red=1 Color LIMIT \n42 true\n");
    }

    #[test]
    fn constants_declared_before_compiling_bar_the_image() {
        let source = "print(LEVEL)";
        let mut plain = Vm::new(Profile::Squirrel);
        plain.set_global("LEVEL", Value::Int(1));
        assert_eq!(plain.printed(source, "image.nut"), "1");
        let mut constrained = Vm::new(Profile::Squirrel);
        let (consts, key) = (constrained.const_table(), constrained.string("LEVEL"));
        constrained.table_set(consts, key, Value::Int(2));
        assert_eq!(constrained.printed(source, "image.nut"), "2");
        let mut again = Vm::new(Profile::Squirrel);
        again.set_global("LEVEL", Value::Int(3));
        assert_eq!(again.printed(source, "image.nut"), "3");
    }
}
