<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The module's client-facing strings, from lang/<language>.php (english.php is the default
 * and the fallback for a missing key).
 */
final class Lang
{
    /** @var array<string, array<string, string>> */
    private static array $loaded = [];

    /** @return array<string, string> every string of the language, missing keys from English */
    public static function strings(string $language = 'english'): array
    {
        $language = strtolower(preg_replace('/[^A-Za-z_-]/', '', $language) ?? '') ?: 'english';
        return self::load($language) + self::load('english');
    }

    public static function get(string $key, string $language = 'english'): string
    {
        return self::strings($language)[$key] ?? $key;
    }

    /** @return array<string, string> */
    private static function load(string $language): array
    {
        if (!isset(self::$loaded[$language])) {
            $file = dirname(__DIR__) . '/lang/' . $language . '.php';
            $strings = is_file($file) ? require $file : [];
            self::$loaded[$language] = is_array($strings) ? array_map('strval', $strings) : [];
        }
        return self::$loaded[$language];
    }
}
