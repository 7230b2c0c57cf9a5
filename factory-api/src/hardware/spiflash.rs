//! `hardware.spiflash` as a NOR flash: 4 KB sectors erase to 0xFF, and a write can only
//! clear bits (the stored byte becomes `old & new`), as on the real part.

pub const SECTOR_SIZE: usize = 4096;

/// What a sector holds after an erase.
static ERASED: [u8; SECTOR_SIZE] = [0xff; SECTOR_SIZE];

/// `SPIFLASH_PREVERIFY`: refuse a write that would need to set a cleared bit.
/// (Dev Center, "spiflash.write()": 2.)
pub const PREVERIFY: u32 = 2;
/// `SPIFLASH_POSTVERIFY`: check that the flash holds exactly what was written (1).
pub const POSTVERIFY: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlashError {
    #[error("spiflash is not enabled")]
    Disabled,
    #[error("address range 0x{0:x}+{1} is outside the {2}-byte flash")]
    OutOfRange(usize, usize, usize),
    #[error("erasesector address 0x{0:x} is not on a sector boundary")]
    Unaligned(usize),
}

/// What `spiflash.write` returns: 0, or which verification failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteResult {
    Ok = 0,
    PreverifyFailed = 1,
    PostverifyFailed = 2,
}

/// The flash, sector by sector: a sector holds bytes only once it is written, and reads as
/// erased (0xFF) until then, so an imp costs memory for what its firmware stores rather
/// than for its whole chip (a line simulation builds thousands of 4 MB imps).
#[derive(Clone, Debug)]
pub struct SpiFlash {
    sectors: Vec<Option<Box<[u8]>>>,
    chip_id: u32,
    enabled: bool,
}

impl SpiFlash {
    /// An erased flash of `sectors` sectors.
    pub fn new(sectors: usize, chip_id: u32) -> SpiFlash {
        SpiFlash { sectors: vec![None; sectors], chip_id, enabled: false }
    }

    pub fn enable(&mut self) {
        self.enabled = true;
    }

    pub fn disable(&mut self) {
        self.enabled = false;
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    pub fn size(&self) -> usize {
        self.sectors.len() * SECTOR_SIZE
    }

    pub fn chip_id(&self) -> u32 {
        self.chip_id
    }

    /// `n` bytes from `address`, whether or not the flash is enabled (for tests and the
    /// test bench to inspect); `None` past the end.
    pub fn inspect(&self, address: usize, n: usize) -> Option<Vec<u8>> {
        let inside = address.checked_add(n).is_some_and(|end| end <= self.size());
        inside.then(|| self.copy(address, n))
    }

    pub fn read(&self, address: usize, n: usize) -> Result<Vec<u8>, FlashError> {
        self.check(address, n)?;
        Ok(self.copy(address, n))
    }

    pub fn write(&mut self, address: usize, bytes: &[u8], flags: u32) -> Result<WriteResult, FlashError> {
        self.check(address, bytes.len())?;
        if flags & PREVERIFY != 0 && self.bytes(address, bytes.len()).zip(bytes).any(|(old, &new)| old & new != new) {
            return Ok(WriteResult::PreverifyFailed);
        }
        let mut source = bytes;
        for (sector, range) in Self::spans(address, address + bytes.len()) {
            let data = self.sectors[sector].get_or_insert_with(|| ERASED.into());
            let (part, rest) = source.split_at(range.len());
            for (old, &new) in data[range].iter_mut().zip(part) {
                *old &= new;
            }
            source = rest;
        }
        if flags & POSTVERIFY != 0 && !self.bytes(address, bytes.len()).eq(bytes.iter().copied()) {
            return Ok(WriteResult::PostverifyFailed);
        }
        Ok(WriteResult::Ok)
    }

    pub fn erase_sector(&mut self, address: usize) -> Result<(), FlashError> {
        if !address.is_multiple_of(SECTOR_SIZE) {
            return Err(FlashError::Unaligned(address));
        }
        self.check(address, SECTOR_SIZE)?;
        self.sectors[address / SECTOR_SIZE] = None;
        Ok(())
    }

    /// Sector `i`'s bytes (an unwritten one reads erased).
    fn sector(&self, i: usize) -> &[u8] {
        self.sectors[i].as_deref().unwrap_or(&ERASED)
    }

    /// A copy of the `n` bytes from `address` (in range).
    fn copy(&self, address: usize, n: usize) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(n);
        for (sector, range) in Self::spans(address, address + n) {
            bytes.extend_from_slice(&self.sector(sector)[range]);
        }
        bytes
    }

    /// The `n` bytes from `address` (in range), as they are read.
    fn bytes(&self, address: usize, n: usize) -> impl Iterator<Item = u8> + '_ {
        Self::spans(address, address + n).flat_map(|(sector, range)| self.sector(sector)[range].iter().copied())
    }

    /// The sectors that `address..end` covers, each with the byte range inside it.
    fn spans(address: usize, end: usize) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> {
        (address / SECTOR_SIZE..end.div_ceil(SECTOR_SIZE)).map(move |sector| {
            let base = sector * SECTOR_SIZE;
            (sector, address.max(base) - base..end.min(base + SECTOR_SIZE) - base)
        })
    }

    fn check(&self, address: usize, n: usize) -> Result<(), FlashError> {
        if !self.enabled {
            return Err(FlashError::Disabled);
        }
        match address.checked_add(n) {
            Some(end) if end <= self.size() => Ok(()),
            _ => Err(FlashError::OutOfRange(address, n, self.size())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_clear_bits_until_erased() {
        let mut flash = SpiFlash::new(4, 0x1f4501);
        assert_eq!(flash.read(0, 1), Err(FlashError::Disabled));
        flash.enable();
        assert_eq!(flash.size(), 16384);
        assert_eq!(flash.write(0x10, &[0x0f, 0xaa], 0), Ok(WriteResult::Ok));
        assert_eq!(flash.write(0x10, &[0xf0], 0), Ok(WriteResult::Ok));
        assert_eq!(flash.read(0x10, 2), Ok(vec![0x00, 0xaa]), "0x0f & 0xf0");
        assert_eq!(flash.write(0x11, &[0xff], PREVERIFY), Ok(WriteResult::PreverifyFailed));
        assert_eq!(flash.read(0x11, 1), Ok(vec![0xaa]), "a refused write changes nothing");
        assert_eq!(flash.write(0x11, &[0x55], POSTVERIFY), Ok(WriteResult::PostverifyFailed));
        flash.erase_sector(0).expect("erase");
        assert_eq!(flash.read(0x10, 2), Ok(vec![0xff, 0xff]));
        assert_eq!(flash.erase_sector(100), Err(FlashError::Unaligned(100)));
        assert_eq!(flash.read(16380, 8), Err(FlashError::OutOfRange(16380, 8, 16384)));
        assert_eq!(flash.read(usize::MAX, 2), Err(FlashError::OutOfRange(usize::MAX, 2, 16384)));
    }

    #[test]
    fn writes_across_sectors_and_erases_each() {
        let mut flash = SpiFlash::new(3, 1);
        flash.enable();
        assert_eq!(flash.write(SECTOR_SIZE - 1, &[0x12, 0x34], 0), Ok(WriteResult::Ok), "across two sectors");
        assert_eq!(flash.read(SECTOR_SIZE - 2, 4), Ok(vec![0xff, 0x12, 0x34, 0xff]));
        assert_eq!(flash.write(SECTOR_SIZE - 1, &[0xff, 0x30], POSTVERIFY), Ok(WriteResult::PostverifyFailed));
        assert_eq!(flash.read(SECTOR_SIZE - 1, 2), Ok(vec![0x12, 0x30]), "0x34 & 0x30; 0x12 | 0xff cannot be set");
        flash.erase_sector(SECTOR_SIZE).expect("erase the second sector");
        assert_eq!(flash.read(SECTOR_SIZE - 1, 2), Ok(vec![0x12, 0xff]));
        flash.disable();
        assert_eq!(
            flash.inspect(2 * SECTOR_SIZE, SECTOR_SIZE),
            Some(vec![0xff; SECTOR_SIZE]),
            "inspect ignores enable"
        );
        assert_eq!(flash.inspect(2 * SECTOR_SIZE, SECTOR_SIZE + 1), None);
    }
}
