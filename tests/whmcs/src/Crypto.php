<?php
/**
 * `encrypt()` / `decrypt()` as WHMCS offers them: reversible encryption with the install's
 * secret, used for tblhosting.password and tblservers.password (developers.whmcs.com/provisioning-modules/module-parameters, tests/whmcs/README.md#write-back). The stand-in is
 * real AES-256-CBC with a random IV and an HMAC-SHA256, base64-encoded, under a key made per
 * PHPUnit process (exportKey()/useKey() share it with another process), so a test can
 * assert that a stored password is not the plaintext.
 * Encrypting the same string twice gives different values (as EncryptPassword documents).
 * Decrypting anything that is not one of its own ciphertexts behaves as WHMCS's decrypt() does
 * for a value that was never encrypted (a tblservers.accesshash, which WHMCS stores as entered,
 * or a password written by SQL): WHMCS base64-decodes whatever it is given, takes the first 20
 * bytes as its IV block and deciphers the rest, with no "not a ciphertext" answer. So a short
 * value (20 bytes or less once base64-decoded, i.e. up to about 26 characters) gives '', a
 * longer one GARBAGE of the remaining length, never the input. "Try decrypt(), else use raw"
 * cannot work on a real WHMCS: code must decrypt exactly the fields WHMCS encrypts. The garbage
 * here is deterministic and not clean text (its first byte is >= 0x80, invalid as UTF-8), so a
 * test sees any code that relies on it. The ciphertext format is not WHMCS's (which is
 * proprietary); nothing may depend on it.
 */

declare(strict_types=1);

namespace WhmcsHarness;

final class Crypto
{
    private const CIPHER = 'aes-256-cbc';
    private const IV_BYTES = 16;
    private const MAC_BYTES = 32;
    /** WHMCS's ciphertexts start with a 20-byte block (a SHA-1's length) used as the IV. */
    private const WHMCS_IV_BYTES = 20;

    private static ?string $key = null;

    public static function encrypt(string $plain): string
    {
        $iv = random_bytes(self::IV_BYTES);
        $cipher = openssl_encrypt($plain, self::CIPHER, self::key(), OPENSSL_RAW_DATA, $iv);
        if ($cipher === false) {
            throw new \RuntimeException('openssl_encrypt failed');
        }
        $mac = hash_hmac('sha256', $iv . $cipher, self::key(), true);
        return base64_encode($iv . $cipher . $mac);
    }

    public static function decrypt(string $encoded): string
    {
        if ($encoded === '') {
            return '';
        }
        $plain = self::open($encoded);
        return $plain ?? self::garbage($encoded);
    }

    /** Whether $value is one of this stand-in's ciphertexts (for the stand-in's own bookkeeping only). */
    public static function isCiphertext(string $value): bool
    {
        return $value !== '' && self::open($value) !== null;
    }

    private static function open(string $encoded): ?string
    {
        $raw = base64_decode($encoded, true);
        if ($raw === false || strlen($raw) < self::IV_BYTES + 16 + self::MAC_BYTES) {
            return null;
        }
        $iv = substr($raw, 0, self::IV_BYTES);
        $cipher = substr($raw, self::IV_BYTES, -self::MAC_BYTES);
        $mac = substr($raw, -self::MAC_BYTES);
        if (!hash_equals(hash_hmac('sha256', $iv . $cipher, self::key(), true), $mac)) {
            return null;
        }
        $plain = openssl_decrypt($cipher, self::CIPHER, self::key(), OPENSSL_RAW_DATA, $iv);
        return $plain === false ? null : $plain;
    }

    /** What WHMCS's deciphering of a non-ciphertext yields: '' when all of it is IV, else bytes. */
    private static function garbage(string $value): string
    {
        $length = strlen((string) base64_decode($value)) - self::WHMCS_IV_BYTES;
        if ($length <= 0) {
            return '';
        }
        $bytes = '';
        for ($i = 0; strlen($bytes) < $length; $i++) {
            $bytes .= hash_hmac('sha256', $i . ':' . $value, 'whmcs-harness-garbage', true);
        }
        return chr(0x80 | ord($bytes[0])) . substr($bytes, 1, $length - 1);
    }

    /**
     * The key, base64: handed to another process (a child, a later request of `php -S`) that
     * must read or write the same ciphertexts, through useKey() there.
     */
    public static function exportKey(): string
    {
        return base64_encode(self::key());
    }

    /** Uses a key from exportKey() instead of this process's own. */
    public static function useKey(string $exported): void
    {
        $key = base64_decode($exported, true);
        if ($key === false || strlen($key) !== 32) {
            throw new \InvalidArgumentException('Crypto::useKey: not a key from Crypto::exportKey()');
        }
        self::$key = $key;
    }

    private static function key(): string
    {
        return self::$key ??= random_bytes(32);
    }
}
