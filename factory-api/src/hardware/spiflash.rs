//! `hardware.spiflash` as a NOR flash: 4 KB sectors erase to 0xFF, and a write can only
//! clear bits (the stored byte becomes `old & new`), as on the real part.

pub const SECTOR_SIZE: usize = 4096;

/// `SPIFLASH_PREVERIFY`: refuse a write that would need to set a cleared bit.
pub const PREVERIFY: u32 = 1;
/// `SPIFLASH_POSTVERIFY`: check that the flash holds exactly what was written.
pub const POSTVERIFY: u32 = 2;

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

#[derive(Clone, Debug)]
pub struct SpiFlash {
    data: Vec<u8>,
    chip_id: u32,
    enabled: bool,
}

impl SpiFlash {
    /// An erased flash of `sectors` sectors.
    pub fn new(sectors: usize, chip_id: u32) -> SpiFlash {
        SpiFlash { data: vec![0xff; sectors * SECTOR_SIZE], chip_id, enabled: false }
    }

    pub fn enable(&mut self) {
        self.enabled = true;
    }

    pub fn disable(&mut self) {
        self.enabled = false;
    }

    pub fn size(&self) -> usize {
        self.data.len()
    }

    pub fn chip_id(&self) -> u32 {
        self.chip_id
    }

    /// The contents, whether or not the flash is enabled (for tests to inspect).
    pub fn contents(&self) -> &[u8] {
        &self.data
    }

    pub fn read(&self, address: usize, n: usize) -> Result<&[u8], FlashError> {
        self.check(address, n)?;
        Ok(&self.data[address..address + n])
    }

    pub fn write(&mut self, address: usize, bytes: &[u8], flags: u32) -> Result<WriteResult, FlashError> {
        self.check(address, bytes.len())?;
        let target = &mut self.data[address..address + bytes.len()];
        if flags & PREVERIFY != 0 && target.iter().zip(bytes).any(|(&old, &new)| old & new != new) {
            return Ok(WriteResult::PreverifyFailed);
        }
        for (old, &new) in target.iter_mut().zip(bytes) {
            *old &= new;
        }
        if flags & POSTVERIFY != 0 && target != bytes {
            return Ok(WriteResult::PostverifyFailed);
        }
        Ok(WriteResult::Ok)
    }

    pub fn erase_sector(&mut self, address: usize) -> Result<(), FlashError> {
        if !address.is_multiple_of(SECTOR_SIZE) {
            return Err(FlashError::Unaligned(address));
        }
        self.check(address, SECTOR_SIZE)?;
        self.data[address..address + SECTOR_SIZE].fill(0xff);
        Ok(())
    }

    fn check(&self, address: usize, n: usize) -> Result<(), FlashError> {
        if !self.enabled {
            return Err(FlashError::Disabled);
        }
        match address.checked_add(n) {
            Some(end) if end <= self.data.len() => Ok(()),
            _ => Err(FlashError::OutOfRange(address, n, self.data.len())),
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
        assert_eq!(flash.read(0x10, 2), Ok(&[0x00, 0xaa][..]), "0x0f & 0xf0");
        assert_eq!(flash.write(0x11, &[0xff], PREVERIFY), Ok(WriteResult::PreverifyFailed));
        assert_eq!(flash.read(0x11, 1), Ok(&[0xaa][..]), "a refused write changes nothing");
        assert_eq!(flash.write(0x11, &[0x55], POSTVERIFY), Ok(WriteResult::PostverifyFailed));
        flash.erase_sector(0).expect("erase");
        assert_eq!(flash.read(0x10, 2), Ok(&[0xff, 0xff][..]));
        assert_eq!(flash.erase_sector(100), Err(FlashError::Unaligned(100)));
        assert_eq!(flash.read(16380, 8), Err(FlashError::OutOfRange(16380, 8, 16384)));
        assert_eq!(flash.read(usize::MAX, 2), Err(FlashError::OutOfRange(usize::MAX, 2, 16384)));
    }
}
