//! `hardware.spiflash` as a NOR flash: 4 KB sectors erase to 0xFF, and a write can only
//! clear bits (the stored byte becomes `old & new`), as on the real part.

pub const SECTOR_SIZE: usize = 4096;

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

#[derive(Clone, Debug)]
pub struct SpiFlash {
    data: Vec<u8>,
    chip_id: u32,
    enabled: bool,
    /// Per sector, whether it was written since the flash was made (it needs erasing
    /// before the image is reused): a flag per sector, as a write checks it each time.
    written: Vec<bool>,
}

thread_local! {
    /// Erased images of flashes that are gone, for the next board: a line simulation
    /// builds thousands of boards, and filling 4 MB with 0xFF each time dominated it.
    static ERASED: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Erased images kept for reuse at most.
const ERASED_KEPT: usize = 4;

impl SpiFlash {
    /// An erased flash of `sectors` sectors.
    pub fn new(sectors: usize, chip_id: u32) -> SpiFlash {
        let size = sectors * SECTOR_SIZE;
        let reused = ERASED.with_borrow_mut(|images| {
            let index = images.iter().position(|image| image.len() == size)?;
            Some(images.swap_remove(index))
        });
        SpiFlash {
            data: reused.unwrap_or_else(|| vec![0xff; size]),
            chip_id,
            enabled: false,
            written: vec![false; sectors],
        }
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
        self.written[address / SECTOR_SIZE..(address + bytes.len()).div_ceil(SECTOR_SIZE)].fill(true);
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

impl Drop for SpiFlash {
    /// Erases what was written and keeps the image for the next flash of its size.
    fn drop(&mut self) {
        let mut image = std::mem::take(&mut self.data);
        for (sector, _) in self.written.iter().enumerate().filter(|(_, &written)| written) {
            image[sector * SECTOR_SIZE..(sector + 1) * SECTOR_SIZE].fill(0xff);
        }
        ERASED.with_borrow_mut(|images| {
            if images.len() < ERASED_KEPT {
                images.push(image);
            }
        });
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

    #[test]
    fn a_reused_image_comes_back_erased() {
        let mut flash = SpiFlash::new(3, 1);
        flash.enable();
        assert_eq!(flash.write(SECTOR_SIZE - 1, &[0, 0], 0), Ok(WriteResult::Ok), "across two sectors");
        drop(flash);
        let again = SpiFlash::new(3, 1);
        assert!(again.contents().iter().all(|&b| b == 0xff));
    }
}
