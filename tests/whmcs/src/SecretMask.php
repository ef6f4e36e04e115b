<?php
/**
 * The scrubbing logModuleCall applies with its `$replaceVars` (developers.whmcs.com/provisioning-modules/module-logging): every listed VALUE is
 * replaced wherever it occurs - in strings, in nested arrays (values and keys), and inside
 * JSON text, where the value may appear JSON-escaped. Empty values are ignored (replacing ''
 * would be meaningless); longer values are masked first so a secret containing another one
 * disappears whole.
 */

declare(strict_types=1);

namespace WhmcsHarness;

final class SecretMask
{
    public const MASK = '********';

    /**
     * @param array<mixed> $replaceVars the values to hide (nested arrays are flattened)
     */
    public static function mask(mixed $data, array $replaceVars): mixed
    {
        $forms = self::maskedForms($replaceVars);
        return $forms === [] ? $data : self::apply($data, $forms);
    }

    /**
     * The ways a secret commonly appears in logged text: raw, JSON-escaped, URL-encoded,
     * XML/HTML-escaped, base64 (as in an HTTP Basic header). Used to detect leaks.
     *
     * @return list<string>
     */
    public static function encodings(string $secret): array
    {
        if ($secret === '') {
            return [];
        }
        $forms = array_merge(self::jsonForms($secret), [
            $secret,
            rawurlencode($secret),
            urlencode($secret),
            htmlspecialchars($secret, ENT_QUOTES | ENT_XML1, 'UTF-8'),
            htmlspecialchars($secret, ENT_QUOTES | ENT_HTML5, 'UTF-8'),
        ]);
        if (strlen($secret) >= 6) {
            $forms[] = rtrim(base64_encode($secret), '=');
        }
        return array_values(array_unique($forms));
    }

    /** @return list<string> the texts to mask, longest first */
    private static function maskedForms(array $replaceVars): array
    {
        $forms = [];
        array_walk_recursive($replaceVars, static function (mixed $value) use (&$forms): void {
            if (is_scalar($value) && (string) $value !== '') {
                $forms[] = (string) $value;
                array_push($forms, ...self::jsonForms((string) $value));
            }
        });
        $forms = array_values(array_unique($forms));
        usort($forms, static fn (string $a, string $b): int => strlen($b) <=> strlen($a));
        return $forms;
    }

    /** @return list<string> the secret as it appears between the quotes of a JSON string */
    private static function jsonForms(string $secret): array
    {
        $out = [];
        foreach ([0, JSON_UNESCAPED_SLASHES, JSON_UNESCAPED_UNICODE, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE] as $flags) {
            $json = json_encode($secret, $flags | JSON_INVALID_UTF8_SUBSTITUTE);
            if ($json !== false) {
                $out[] = substr($json, 1, -1);
            }
        }
        return array_values(array_unique($out));
    }

    /** @param list<string> $forms */
    private static function apply(mixed $data, array $forms): mixed
    {
        if (is_string($data)) {
            return str_replace($forms, self::MASK, $data);
        }
        if (is_array($data)) {
            $out = [];
            foreach ($data as $key => $value) {
                $out[is_string($key) ? str_replace($forms, self::MASK, $key) : $key] = self::apply($value, $forms);
            }
            return $out;
        }
        if (is_object($data)) {
            $decoded = json_decode((string) json_encode($data), true);
            return is_array($decoded) ? self::apply($decoded, $forms) : $data;
        }
        return $data;
    }
}
