//! The agent's `http.hash` table: `md5`, `sha1`, `sha256`, `sha512` of a string or
//! blob, and `hmacsha1`, `hmacsha256`, `hmacsha512` of data with a key, each returning
//! the raw digest as a blob, as the imp does. The RustCrypto crates compute them.

use super::method;
use crate::imp::message::{bytes_of, new_blob};
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use impish_vm::{Value, Vm};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

type Hash = fn(&[u8]) -> Vec<u8>;
type Keyed = fn(&[u8], &[u8]) -> Vec<u8>;

fn digest<D: Digest>(data: &[u8]) -> Vec<u8> {
    D::digest(data).to_vec()
}

fn hmac<D: EagerHash>(data: &[u8], key: &[u8]) -> Vec<u8>
where
    Hmac<D>: KeyInit + Mac,
{
    // HMAC takes a key of any length.
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).expect("HMAC accepts every key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub(super) fn install(vm: &mut Vm, http: Value) {
    let table = vm.new_table();
    let key = vm.string("hash");
    vm.table_set(http, key, table);
    let hashes: [(&str, Hash); 4] =
        [("md5", digest::<Md5>), ("sha1", digest::<Sha1>), ("sha256", digest::<Sha256>), ("sha512", digest::<Sha512>)];
    for (name, hash) in hashes {
        method(vm, table, name, 2, ".s|x", move |vm, args, _| {
            let data = bytes_of(vm, args.get(vm, 1)).unwrap_or_default();
            new_blob(vm, &hash(&data))
        });
    }
    let keyed: [(&str, Keyed); 3] =
        [("hmacsha1", hmac::<Sha1>), ("hmacsha256", hmac::<Sha256>), ("hmacsha512", hmac::<Sha512>)];
    for (name, hash) in keyed {
        method(vm, table, name, 3, ".s|xs|x", move |vm, args, _| {
            let data = bytes_of(vm, args.get(vm, 1)).unwrap_or_default();
            let key = bytes_of(vm, args.get(vm, 2)).unwrap_or_default();
            new_blob(vm, &hash(&data, &key))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn digests_and_hmacs_match_their_test_vectors() {
        assert_eq!(hex(&digest::<Md5>(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex(&digest::<Sha1>(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hex(&hmac::<Sha256>(b"The quick brown fox jumps over the lazy dog", b"key")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
