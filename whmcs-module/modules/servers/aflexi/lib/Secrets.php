<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The secret values of one module call (auth key, server password and access hash, service
 * password, a generated password), and their masking.
 *
 * logModuleCall() masks the values it is given in its replace list; this class gives it the
 * values in every spelling they may take in a stored entry (as is, JSON-escaped, HTML-escaped)
 * and also masks our own messages and log data before they leave, so that nothing depends on
 * one masking alone.
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
            $value = (string) $value;
            $all[$value] = true;
            $json = substr((string) json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR), 1, -1);
            if ($json !== '') {
                $all[$json] = true;
            }
            $json = substr((string) json_encode($value, JSON_PARTIAL_OUTPUT_ON_ERROR), 1, -1);
            if ($json !== '') {
                $all[$json] = true;
            }
            $all[htmlspecialchars($value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8')] = true;
        }
        $list = array_map('strval', array_keys($all));
        // Longest first, so that a secret containing another is masked whole.
        usort($list, static fn (string $a, string $b): int => strlen($b) <=> strlen($a));
        return $list;
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
