//! Register bytecode: 8-byte instructions, function prototypes, and the disassembler.
//!
//! An instruction is an opcode and three 8-bit operands (`a b c`, registers or small
//! indices) plus a 32-bit operand `d` (constant index, immediate, or absolute jump
//! target). Register 0 of every frame is `this`, parameters follow.

use std::cell::Cell;
use std::fmt::Write;
use std::rc::Rc;

use crate::heap::value::{StrId, Value};
use crate::interpreter::cache::InlineCache;

/// Operand meanings are given as `a b c d`; `R[x]` is a register, `K[x]` a constant.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    /// R[a .. a+b] = null
    LoadNull,
    /// R[a] = (b != 0)
    LoadBool,
    /// R[a] = d
    LoadInt,
    /// R[a] = K[d]
    LoadK,
    /// R[a] = R[b]
    Move,
    /// R[a] = the root table
    LoadRoot,
    /// R[a] = outer b
    GetOuter,
    /// R[a] = outer b, R[a+1] = R[0]: a function held in an outer and its `this` (the
    /// running function's own) for a call, in one instruction
    PrepCallOuter,
    /// outer a = R[b]
    SetOuter,
    /// R[a] = the base class of the running method's class
    GetBase,
    /// R[a] = R[b][R[c]] (b == 0: falls back to the root table)
    Get,
    /// R[a] = R[b][K[d]] (b == 0: falls back to the root table)
    GetK,
    /// R[a] = R[b][K[d]] as `GetK`, then R[a+1] = R[b]: a function and its `this`
    /// for a call, in one instruction
    PrepCallK,
    /// R[a] = R[b], R[a+1] = R[0]: a function held in a local and its `this` (the
    /// running function's own) for a call, in one instruction
    PrepCall,
    /// R[a][R[b]] = R[c]
    Set,
    /// R[a][K[d]] = R[b]
    SetK,
    /// R[a][R[b]] <- R[c]
    NewSlot,
    /// R[a] = delete R[b][R[c]]
    Delete,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    /// R[a] = R[b] op K[d]
    AddK,
    SubK,
    MulK,
    DivK,
    ModK,
    BitAndK,
    BitOrK,
    BitXorK,
    ShlK,
    ShrK,
    UShrK,
    /// R[a] = R[b] op d (an integer immediate)
    AddI,
    SubI,
    MulI,
    ModI,
    BitAndI,
    BitOrI,
    BitXorI,
    ShlI,
    ShrI,
    /// R[a] = R[b] + x1 + ... + xc, left to right as `Add`, where the c `Operand`
    /// words that follow name the x (each read when its `+` comes)
    Concat,
    /// An operand of the `Concat` before it (never executed): R[b] if a == 0, else
    /// K[d]
    Operand,
    /// R[a] = op R[b]
    Neg,
    Not,
    BitNot,
    Typeof,
    Clone,
    /// R[a] = R[b] op R[c]
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Cmp3,
    In,
    InstanceOf,
    /// pc = d
    Jmp,
    /// if truthy(R[a]) pc = d
    JmpT,
    /// if !truthy(R[a]) pc = d
    JmpF,
    /// if (R[a] op R[b]) == (c != 0) pc = d. `>` and `>=` are not `<` and `<=` with the
    /// operands swapped: the reference's float order is not symmetric (`-0.0 > 0.0` and
    /// `0.0 > -0.0` both hold) and its errors name the operands in source order.
    JEq,
    JLt,
    JLe,
    JGt,
    JGe,
    /// if (R[a] op K[b]) == (c != 0) pc = d
    JEqK,
    JLtK,
    JLeK,
    JGtK,
    JGeK,
    /// if ((R[a] & K[b]) != 0) == (c != 0) pc = d: a bit test (`if (flags & MASK)`)
    JTestK,
    /// R[a] = R[a] + c (c read as a signed byte), then if R[a] op R[b] pc = d: a `for`
    /// loop's step and test in one instruction (`i++` then `i < n`), as `AddI` and
    /// `JLt a b 1 d` would run them
    StepJLt,
    StepJLe,
    StepJGt,
    StepJGe,
    /// as above, against K[b]
    StepJLtK,
    StepJLeK,
    StepJGtK,
    StepJGeK,
    /// R[a] = R[b](this = R[b+1], args R[b+2 .. b+c]); c counts `this`
    Call,
    /// return R[b](R[b+1 .. b+c]) reusing the frame
    TailCall,
    /// return R[a] if b != 0, else null
    Return,
    /// R[a] = closure of child prototype d; env in R[b] if c & 1, defaults follow
    Closure,
    /// R[a] = {} (d: size hint)
    NewTable,
    /// R[a] = [] (d: capacity hint)
    NewArray,
    /// R[a].append(R[b])
    ArrayPush,
    /// R[a] = class extends R[b] (b == 255: none) with attributes R[c] (255: none)
    NewClass,
    /// class R[a]: member R[b] = R[c]; d bit 0: static, d >> 8: attributes reg + 1
    NewMember,
    /// advance the iteration of R[a] (state R[b]): key to R[b+1], value to R[b+2];
    /// when exhausted pc = d
    Foreach,
    /// install a handler at pc d; the error goes to R[a]
    PushTrap,
    /// remove b handlers
    PopTrap,
    Throw,
    /// yield R[a] if b != 0, else null
    Yield,
    /// R[a] = resume R[b]
    Resume,
    /// close the captured outers of registers >= a
    Close,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(C)]
pub struct Instr {
    pub op: Op,
    pub a: u8,
    pub b: u8,
    pub c: u8,
    pub d: i32,
}

const _: () = assert!(std::mem::size_of::<Instr>() == 8);

impl Op {
    /// The integer-immediate form of a constant-operand op, where there is one: it
    /// saves the constant load and one type check on the hottest arithmetic (`i++`,
    /// `x & 0xFF`, `crc << 1`).
    pub fn immediate_form(self) -> Option<Op> {
        match self {
            Op::AddK => Some(Op::AddI),
            Op::SubK => Some(Op::SubI),
            Op::MulK => Some(Op::MulI),
            Op::ModK => Some(Op::ModI),
            Op::BitAndK => Some(Op::BitAndI),
            Op::BitOrK => Some(Op::BitOrI),
            Op::BitXorK => Some(Op::BitXorI),
            Op::ShlK => Some(Op::ShlI),
            Op::ShrK => Some(Op::ShrI),
            _ => None,
        }
    }

    /// The op that runs `AddI a a 0 n` and then this conditional jump on `R[a]`
    /// (taken when the test holds), where there is one.
    pub fn with_step(self) -> Option<Op> {
        match self {
            Op::JLt => Some(Op::StepJLt),
            Op::JLe => Some(Op::StepJLe),
            Op::JGt => Some(Op::StepJGt),
            Op::JGe => Some(Op::StepJGe),
            Op::JLtK => Some(Op::StepJLtK),
            Op::JLeK => Some(Op::StepJLeK),
            Op::JGtK => Some(Op::StepJGtK),
            Op::JGeK => Some(Op::StepJGeK),
            _ => None,
        }
    }
}

impl Instr {
    pub fn new(op: Op, a: u8, b: u8, c: u8, d: i32) -> Instr {
        Instr { op, a, b, c, d }
    }
}

/// Where a closure's outer variable comes from when the closure is created.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OuterSource {
    /// A register of the enclosing frame.
    Local(u8),
    /// An outer of the enclosing closure.
    Outer(u8),
}

/// A local variable's name and live range, for debugging and `getstackinfos`.
#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: StrId,
    pub reg: u8,
    pub start_pc: u32,
    pub end_pc: u32,
}

/// A compiled function.
pub struct Proto {
    pub name: Value,
    pub source: Value,
    pub code: Vec<Instr>,
    pub consts: Vec<Value>,
    pub children: Vec<Rc<Proto>>,
    /// Parameter names, `this` first (and `vargv` last for varargs functions).
    pub params: Vec<StrId>,
    /// Parameters including `this`, excluding `vargv`.
    pub nparams: u32,
    pub varargs: bool,
    /// How many trailing parameters have defaults.
    pub ndefaults: u32,
    pub max_regs: u32,
    pub outers: Vec<OuterSource>,
    pub outer_names: Vec<StrId>,
    /// (first pc, line) pairs in pc order.
    pub lines: Vec<(u32, u32)>,
    /// (first pc, file) pairs in pc order where `#line` directives name another file
    /// than `source` (code assembled from several files); empty otherwise.
    pub files: Vec<(u32, Value)>,
    pub locals: Vec<LocalInfo>,
    pub generator: bool,
    /// `nparams` when a call with exactly that many arguments can enter the function
    /// directly (neither varargs nor a generator), `u32::MAX` otherwise: one compare
    /// on the call fast path.
    pub(crate) plain_arity: u32,
    /// The collection in which this prototype was last marked.
    pub(crate) gc_epoch: Cell<u32>,
    /// One inline-cache word per instruction (constant-key gets and sets).
    pub(crate) ic: InlineCache,
    /// Instructions of this function executed while the VM was profiling.
    pub(crate) executed: Cell<u64>,
}

/// Nested functions nest their prototypes as deep as the source nests them (10,000
/// lambdas `@() @() ...`); dropping them one level at a time keeps the drop off the
/// Rust stack.
impl Drop for Proto {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(child) = pending.pop() {
            if let Ok(mut child) = Rc::try_unwrap(child) {
                pending.append(&mut child.children);
            }
        }
    }
}

impl Proto {
    /// The prototype of a freed closure's slot: no code and an arity no call has, so
    /// the call fast paths decline it and the general path's checked read refuses it.
    pub(crate) fn vacant() -> Proto {
        Proto {
            name: Value::Null,
            source: Value::Null,
            code: Vec::new(),
            consts: Vec::new(),
            children: Vec::new(),
            params: Vec::new(),
            nparams: 0,
            varargs: false,
            ndefaults: 0,
            max_regs: 0,
            outers: Vec::new(),
            outer_names: Vec::new(),
            lines: Vec::new(),
            files: Vec::new(),
            locals: Vec::new(),
            generator: false,
            plain_arity: u32::MAX,
            gc_epoch: Cell::new(0),
            executed: Cell::new(0),
            ic: InlineCache::new(0),
        }
    }

    /// The source line of the instruction at `pc`.
    pub fn line_at(&self, pc: usize) -> u32 {
        let pc = pc as u32;
        match self.lines.binary_search_by(|&(p, _)| p.cmp(&pc)) {
            Ok(i) => self.lines[i].1,
            Err(0) => self.lines.first().map_or(0, |l| l.1),
            Err(i) => self.lines[i - 1].1,
        }
    }

    /// The source file of the instruction at `pc`.
    pub fn file_at(&self, pc: usize) -> Value {
        let pc = pc as u32;
        match self.files.partition_point(|&(p, _)| p <= pc) {
            0 => self.source,
            i => self.files[i - 1].1,
        }
    }
}

/// A textual listing of a prototype and its children. `describe` renders constants.
pub fn disassemble(proto: &Proto, describe: &dyn Fn(Value) -> String) -> String {
    let mut out = String::new();
    disassemble_into(&mut out, proto, describe, "main");
    out
}

fn disassemble_into(out: &mut String, p: &Proto, describe: &dyn Fn(Value) -> String, path: &str) {
    let name = match p.name {
        Value::Null => path.to_string(),
        v => describe(v),
    };
    let _ = writeln!(
        out,
        "function {name} ({} params{}, {} regs, {} consts, {} outers){}",
        p.nparams,
        if p.varargs { " + varargs" } else { "" },
        p.max_regs,
        p.consts.len(),
        p.outers.len(),
        if p.generator { " generator" } else { "" }
    );
    for (i, k) in p.consts.iter().enumerate() {
        let _ = writeln!(out, "  K{i} = {}", describe(*k));
    }
    for (i, o) in p.outers.iter().enumerate() {
        let _ = writeln!(out, "  outer{i} <- {o:?}");
    }
    let mut last_line = u32::MAX;
    for (pc, ins) in p.code.iter().enumerate() {
        let line = p.line_at(pc);
        let l = if line != last_line { format!("{line:>5}") } else { "     ".to_string() };
        last_line = line;
        let _ = write!(out, "{l} {pc:>5}  {:<13}", format!("{:?}", ins.op));
        let _ = write!(out, " {} {} {} {}", ins.a, ins.b, ins.c, ins.d);
        if let Some(note) = operand_note(p, ins, describe) {
            let _ = write!(out, "    ; {note}");
        }
        out.push('\n');
    }
    for (i, c) in p.children.iter().enumerate() {
        out.push('\n');
        disassemble_into(out, c, describe, &format!("{path}/{i}"));
    }
}

fn operand_note(p: &Proto, ins: &Instr, describe: &dyn Fn(Value) -> String) -> Option<String> {
    use Op::*;
    let k = |i: i64| p.consts.get(i as usize).map(|v| describe(*v)).unwrap_or_default();
    Some(match ins.op {
        LoadK | GetK | PrepCallK | SetK | AddK | SubK | MulK | DivK | ModK | BitAndK | BitOrK | BitXorK | ShlK
        | ShrK | UShrK => k(ins.d as i64),
        Operand if ins.a != 0 => k(ins.d as i64),
        JEqK | JLtK | JLeK | JGtK | JGeK | JTestK | StepJLtK | StepJLeK | StepJGtK | StepJGeK => {
            format!("{} -> {}", k(ins.b as i64), ins.d)
        }
        Closure => format!("child {}", ins.d),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_lookup() {
        let p = Proto {
            name: Value::Null,
            source: Value::Null,
            code: vec![],
            consts: vec![],
            children: vec![],
            params: vec![],
            nparams: 1,
            varargs: false,
            ndefaults: 0,
            max_regs: 1,
            outers: vec![],
            outer_names: vec![],
            lines: vec![(0, 1), (3, 4), (7, 9)],
            files: vec![(3, Value::Int(2)), (7, Value::Int(3))],
            locals: vec![],
            generator: false,
            plain_arity: 1,
            gc_epoch: Cell::new(0),
            executed: Cell::new(0),
            ic: InlineCache::new(0),
        };
        assert_eq!(p.line_at(0), 1);
        assert_eq!(p.line_at(2), 1);
        assert_eq!(p.line_at(3), 4);
        assert_eq!(p.line_at(100), 9);
        assert!(matches!(
            (p.file_at(2), p.file_at(3), p.file_at(6), p.file_at(9)),
            (Value::Null, Value::Int(2), Value::Int(2), Value::Int(3))
        ));
    }
}
