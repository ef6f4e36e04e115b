<?php
/**
 * A static guard for "the modules use nothing that illuminate/database 7.12 lacks": WHMCS 8.x
 * bundles 7.12 (docs/WHMCS-FIDELITY.md), so a call such as `Capsule::table(...)->upsert(...)`,
 * which arrived in Laravel 8.10, throws BadMethodCallException on a real WHMCS.
 *
 * It lists every method name that the query builders, collections, connection and schema
 * builder of a newer Illuminate (Debian's: 8.83 on bookworm) declare and 7.12's do not (the
 * "newer" names), then every call by name (`->x(`, `?->x(`, `::x(`, `x(`) in a tree of PHP files,
 * and reports the calls of newer names. Only those classes count: other parts of a newer
 * Illuminate declare names as common as `format()` or `wait()`. Calls on `$this`, `self`, `static` and `parent`
 * are the caller's own methods and are left out, and so are names the tree declares itself
 * (`PublisherRecords::now()`): shadowed() lists those so that a test can pin them. Runtime would
 * catch only the paths a test runs; this reads every line.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;

final class IlluminateApi
{
    /** Where each version's Illuminate sources are (scripts/illuminate.sh prepares 7.12). */
    public const TREES = [
        '7.12' => __DIR__ . '/../../../build/illuminate-7.12',
        '8.83' => '/usr/share/php/Illuminate',
    ];

    /**
     * The files of a tree whose methods count, by the start of their path below the tree,
     * lowercased (7.12 keeps the collections in support/, later versions in collections/).
     */
    private const API_PATHS = [
        'database/query/', 'database/eloquent/', 'database/concerns/', 'database/schema/',
        'database/capsule/', 'database/connection.php', 'database/databasemanager.php',
        'collections/', 'support/collection.php', 'support/lazycollection.php', 'support/enumerable.php',
        'support/traits/', 'macroable/', 'conditionable/',
    ];

    /** @return array<string, true> lowercased names declared by 8.83 and not by 7.12 */
    public static function newerThan712(): array
    {
        static $newer = null;
        return $newer ??= array_diff_key(
            self::declared(self::TREES['8.83'], self::API_PATHS),
            self::declared(self::TREES['7.12'], self::API_PATHS)
        );
    }

    /**
     * @param list<string> $dirs trees of PHP files
     * @return list<string> "file:line name()" for each call of a newer name
     */
    public static function newerCallsIn(array $dirs): array
    {
        $newer = array_diff_key(self::newerThan712(), self::declaredIn($dirs));
        $found = [];
        foreach ($dirs as $dir) {
            foreach (self::phpFiles($dir) as $file) {
                foreach (self::calls((string) file_get_contents($file)) as [$name, $line]) {
                    if (isset($newer[strtolower($name)])) {
                        $found[] = "$file:$line $name()";
                    }
                }
            }
        }
        return $found;
    }

    /**
     * @param list<string> $dirs
     * @return list<string> the newer names the trees declare themselves, whose calls are not reported
     */
    public static function shadowed(array $dirs): array
    {
        $names = array_keys(array_intersect_key(self::newerThan712(), self::declaredIn($dirs)));
        sort($names);
        return $names;
    }

    /** @return list<array{0: string, 1: int}> the name and line of each call by name in PHP code */
    public static function calls(string $code): array
    {
        $tokens = array_values(array_filter(
            token_get_all($code),
            static fn ($t): bool => !is_array($t) || !in_array($t[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true)
        ));
        $calls = [];
        foreach ($tokens as $i => $token) {
            if (!is_array($token) || $token[0] !== T_STRING || ($tokens[$i + 1] ?? null) !== '(') {
                continue;
            }
            $before = $tokens[$i - 1] ?? null;
            $kind = is_array($before) ? $before[0] : $before;
            if ($kind === T_FUNCTION || $kind === T_NEW || $kind === T_CONST) {
                continue; // a declaration or a constructor, not a call by method name
            }
            if (in_array($kind, [T_OBJECT_OPERATOR, T_NULLSAFE_OBJECT_OPERATOR, T_DOUBLE_COLON], true)) {
                $owner = $tokens[$i - 2] ?? null;
                $ownerText = is_array($owner) ? strtolower($owner[1]) : '';
                if (in_array($ownerText, ['$this', 'self', 'static', 'parent'], true)) {
                    continue;
                }
            } elseif (function_exists($token[1]) && (new \ReflectionFunction($token[1]))->isInternal()) {
                continue; // PHP's own function (serialize(), not Collection::serialize)
            }
            $calls[] = [$token[1], $token[2]];
        }
        return $calls;
    }

    /**
     * @param list<string> $dirs
     * @return array<string, true>
     */
    private static function declaredIn(array $dirs): array
    {
        $names = [];
        foreach ($dirs as $dir) {
            $names += self::declared($dir);
        }
        return $names;
    }

    /**
     * @param list<string>|null $paths only the files below these lowercased path starts
     * @return array<string, true> lowercased names of the functions and methods declared in a tree
     */
    private static function declared(string $dir, ?array $paths = null): array
    {
        if (!is_dir($dir)) {
            throw new RuntimeException("no PHP sources in $dir (for Illuminate: scripts/illuminate.sh, scripts/install-deps.sh)");
        }
        $names = [];
        foreach (self::phpFiles($dir) as $file) {
            $relative = strtolower(substr($file, strlen($dir) + 1));
            if ($paths !== null && !array_filter($paths, static fn (string $p): bool => str_starts_with($relative, $p))) {
                continue;
            }
            $tokens = token_get_all((string) file_get_contents($file));
            foreach ($tokens as $i => $token) {
                if (!is_array($token) || $token[0] !== T_FUNCTION) {
                    continue;
                }
                for ($j = $i + 1; isset($tokens[$j]); $j++) {
                    $next = $tokens[$j];
                    if (is_array($next) && $next[0] === T_STRING) {
                        $names[strtolower($next[1])] = true;
                        break;
                    }
                    if (!is_array($next) && $next !== '&') {
                        break; // a closure: function (...)
                    }
                }
            }
        }
        return $names;
    }

    /** @return list<string> */
    private static function phpFiles(string $dir): array
    {
        $files = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $file) {
            if ($file->isFile() && $file->getExtension() === 'php') {
                $files[] = $file->getPathname();
            }
        }
        sort($files);
        return $files;
    }
}
