<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/** Small text helpers: escaping at output and bounded lengths for what is stored or logged. */
final class Text
{
    /** HTML-escapes a value for output (quotes too; invalid UTF-8 is replaced, not dropped). */
    public static function e(mixed $value): string
    {
        return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }

    /**
     * At most $max bytes of $text, with a note of how much was cut, in a form any WHMCS table
     * stores (storable()).
     */
    public static function cap(string $text, int $max = 2000): string
    {
        $text = self::storable($text);
        if (strlen($text) <= $max) {
            return $text;
        }
        $head = mb_strcut($text, 0, $max, 'UTF-8');
        return $head . sprintf('... (%d bytes in all)', strlen($text));
    }

    /**
     * $text as WHMCS's database connection can carry it: WHMCS connects and creates its tables
     * in utf8 (utf8mb3, three bytes a character at most; docs/WHMCS-FIDELITY.md), so a four-byte
     * character (an emoji) fails the whole statement under a strict sql_mode and turns into
     * '????' otherwise. Such characters, and invalid UTF-8, become U+FFFD instead: the row is
     * written and says where something was replaced.
     */
    public static function storable(string $text): string
    {
        // ENT_SUBSTITUTE puts U+FFFD for each invalid sequence; the decode undoes the rest exactly.
        $valid = preg_match('//u', $text) === 1
            ? $text
            : htmlspecialchars_decode(htmlspecialchars($text, ENT_NOQUOTES | ENT_SUBSTITUTE, 'UTF-8'), ENT_NOQUOTES);
        return preg_replace('/[\x{10000}-\x{10FFFF}]/u', "\u{FFFD}", $valid) ?? $valid;
    }

    /**
     * A value for the module log: every string capped, as JSON (readable, and the shape
     * logModuleCall stores without loss).
     */
    public static function forLog(mixed $data, int $maxString = 4000): string
    {
        $capped = self::capAll($data, $maxString);
        $json = json_encode($capped, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
        return $json === false ? '' : $json;
    }

    private static function capAll(mixed $data, int $max): mixed
    {
        if (is_string($data)) {
            return self::cap($data, $max);
        }
        if (is_array($data)) {
            return array_map(static fn ($v) => self::capAll($v, $max), $data);
        }
        return $data;
    }

    /**
     * A value WHMCS stored HTML-encoded (WHMCS entity-encodes form input before saving it,
     * so a client named O'Brien is stored as O&#039;Brien), as plain text for Aflexi.
     */
    public static function decoded(mixed $value): string
    {
        return trim(html_entity_decode((string) $value, ENT_QUOTES | ENT_HTML401, 'UTF-8'));
    }
}
