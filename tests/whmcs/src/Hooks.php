<?php
/**
 * The hook registry behind `add_hook()` and `run_hook()` (developers.whmcs.com/hooks/getting-started).
 *
 * - Hooks of one point run in ascending priority (lower first, the community reading of the
 *   undocumented direction), then in registration order.
 * - run_hook returns the list of every hook's return value, in run order (EmailPreSend and
 *   the Pre* hooks use them).
 * - Hooks registered while a module's files are loaded (Modules::loadServer/loadAddon) belong
 *   to that module and survive Whmcs::reset(), as WHMCS loads them on every request; hooks a
 *   test registers are dropped at reset.
 * - An addon's hooks.php only runs while the addon is active (developers.whmcs.com/addon-modules/hooks): its hooks are skipped
 *   unless tbladdonmodules has the addon's `version` row (Addon::activate/configure writes it).
 * - An exception thrown by a hook propagates to the caller (the stand-in does not hide bugs).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Hooks
{
    /** @var list<array{point: string, priority: int, callback: callable|string, seq: int, source: ?string}> */
    private static array $hooks = [];
    private static int $seq = 0;
    private static ?string $loadingSource = null;

    public static function add(string $point, int $priority, callable|string $callback): void
    {
        self::$hooks[] = [
            'point' => $point,
            'priority' => $priority,
            'callback' => $callback,
            'seq' => self::$seq++,
            'source' => self::$loadingSource,
        ];
    }

    /**
     * @param array<string, mixed> $vars
     * @return list<mixed> each hook's return value
     */
    public static function run(string $point, array $vars): array
    {
        $results = [];
        foreach (self::registered($point) as $hook) {
            if (!self::sourceIsActive($hook['source'])) {
                continue;
            }
            $results[] = call_user_func($hook['callback'], $vars);
        }
        Whmcs::recordHookRun($point, $vars, $results);
        return $results;
    }

    /**
     * The hooks of one point (or all), in the order they would run.
     *
     * @return list<array{point: string, priority: int, callback: callable|string, seq: int, source: ?string}>
     */
    public static function registered(?string $point = null): array
    {
        $hooks = array_values(array_filter(
            self::$hooks,
            static fn (array $h): bool => $point === null || $h['point'] === $point
        ));
        usort($hooks, static fn (array $a, array $b): int => [$a['priority'], $a['seq']] <=> [$b['priority'], $b['seq']]);
        return $hooks;
    }

    /**
     * Runs $load (a require of module files) so that hooks it registers belong to $source,
     * e.g. "server:aflexi" or "addon:aflexi_cdn".
     */
    public static function loadingFrom(string $source, callable $load): void
    {
        $previous = self::$loadingSource;
        self::$loadingSource = $source;
        try {
            $load();
        } finally {
            self::$loadingSource = $previous;
        }
    }

    /** Drops every hook a test registered; module hooks stay. */
    public static function forgetTestHooks(): void
    {
        self::$hooks = array_values(array_filter(self::$hooks, static fn (array $h): bool => $h['source'] !== null));
    }

    private static function sourceIsActive(?string $source): bool
    {
        if ($source === null || !str_starts_with($source, 'addon:')) {
            return true;
        }
        return Capsule::table('tbladdonmodules')
            ->where('module', substr($source, strlen('addon:')))->where('setting', 'version')->exists();
    }
}
