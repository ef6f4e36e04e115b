<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The secret values of one module call (auth key, server password and access hash, service
 * password, a generated password), and their masking.
 *
 * logModuleCall() masks the values it is given in its replace list; this class gives it the
 * values in every spelling they may take in a stored entry or an echoed answer (as is, XML- and
 * HTML-escaped, JSON-escaped, percent-encoded: the core's rule, Aflexi\secret_spellings) and
 * also masks our own messages and log data before they leave, so that nothing depends on one
 * masking alone. Without the extension only the value as is can be masked; then no API call
 * was made, so no answer can quote a secret in another spelling.
 */
final class Secrets
{
    public const MASK = '********';

    /** @var array<string, true> */
    private array $values = [];

    public function add(mixed ...$values): void
    {
        foreach ($values as $value) {
            if (is_string($value) && $value !== '') {
                $this->values[$value] = true;
            }
        }
    }

    /**
     * The replace list for logModuleCall(): each secret and its escaped spellings.
     *
     * @return list<string>
     */
    public function replaceVars(): array
    {
        $all = [];
        foreach (array_keys($this->values) as $value) {
            foreach (self::spellings((string) $value) as $spelling) {
                $all[$spelling] = true;
            }
        }
        $list = array_map('strval', array_keys($all));
        // Longest first, so that a secret containing another is masked whole.
        usort($list, static fn (string $a, string $b): int => strlen($b) <=> strlen($a));
        return $list;
    }

    /** @return list<string> the spellings of one secret (itself, when the core cannot say) */
    private static function spellings(string $value): array
    {
        if (function_exists('Aflexi\\secret_spellings') && mb_check_encoding($value, 'UTF-8')) {
            return \Aflexi\secret_spellings($value) ?: [$value];
        }
        return [$value];
    }

    /** $data with every secret (in every spelling) replaced by the mask, recursively. */
    public function scrub(mixed $data): mixed
    {
        if ($this->values === []) {
            return $data;
        }
        if (is_string($data)) {
            return str_replace($this->replaceVars(), self::MASK, $data);
        }
        if (is_array($data)) {
            $out = [];
            foreach ($data as $key => $value) {
                $out[is_string($key) ? $this->scrub($key) : $key] = $this->scrub($value);
            }
            return $out;
        }
        return $data;
    }
}
