<?php
/**
 * Where a secret shows, in every encoding a log, a message or a page can hold it. The list is
 * written here with PHP's own encoders, independently of the core's rule (Aflexi\secret_spellings)
 * that the code under test uses, so the test can catch a spelling the rule forgot.
 */

declare(strict_types=1);

namespace AflexiSecurityTests\Support;

final class Leaks
{
    /** @return list<string> */
    public static function encodings(string $secret): array
    {
        $forms = [$secret, rawurlencode($secret), urlencode($secret)];
        foreach ([ENT_NOQUOTES, ENT_COMPAT, ENT_QUOTES, ENT_QUOTES | ENT_XML1, ENT_QUOTES | ENT_HTML5, ENT_NOQUOTES | ENT_XML1] as $flags) {
            $forms[] = htmlspecialchars($secret, $flags, 'UTF-8');
        }
        foreach ([0, JSON_UNESCAPED_SLASHES, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT] as $flags) {
            $forms[] = substr((string) json_encode($secret, $flags), 1, -1);
        }
        // A JSON-escaped XML-escaped key (an echoed fault stored as JSON).
        $forms[] = substr((string) json_encode(htmlspecialchars($secret, ENT_NOQUOTES, 'UTF-8'), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), 1, -1);
        return array_values(array_unique($forms));
    }

    /** The encodings of $secret found in $text (empty: none). @return list<string> */
    public static function in(string $text, string $secret): array
    {
        return array_values(array_filter(self::encodings($secret), static fn (string $form): bool => $form !== '' && str_contains($text, $form)));
    }
}
