<?php
/**
 * ModuleCreate, ModuleSuspend (`suspendreason`), ModuleUnsuspend, ModuleTerminate,
 * ModuleChangePackage, ModuleChangePw (`servicepassword`) and ModuleCustom (`func_name`)
 * (developers.whmcs.com/api/internal-api, developers.whmcs.com/api-reference/modulecreate and its siblings): they run the server module through
 * ModuleRunner, i.e. with WHMCS's hooks and success side effects. `serviceid` is required
 * ("Service ID is required"; the pre-7.7 name `accountid` is accepted too).
 */

declare(strict_types=1);

namespace WhmcsHarness\Api;

use WhmcsHarness\ModuleRunner;

final class ModuleApi
{
    public static function moduleCreate(array $v): array
    {
        return self::run('Create', $v);
    }

    public static function moduleSuspend(array $v): array
    {
        return self::run('Suspend', $v, ['suspendreason' => (string) ($v['suspendreason'] ?? '')]);
    }

    public static function moduleUnsuspend(array $v): array
    {
        return self::run('Unsuspend', $v);
    }

    public static function moduleTerminate(array $v): array
    {
        return self::run('Terminate', $v);
    }

    public static function moduleChangePackage(array $v): array
    {
        return self::run('ChangePackage', $v);
    }

    public static function moduleChangePw(array $v): array
    {
        $options = isset($v['servicepassword']) && $v['servicepassword'] !== '' ? ['password' => (string) $v['servicepassword']] : [];
        return self::run('ChangePassword', $v, $options);
    }

    public static function moduleCustom(array $v): array
    {
        if (empty($v['func_name'])) {
            return ['result' => 'error', 'message' => 'Function Not Supported by Module'];
        }
        return self::run('Custom', $v, ['function' => (string) $v['func_name']]);
    }

    private static function run(string $action, array $v, array $options = []): array
    {
        $serviceId = (int) ($v['serviceid'] ?? $v['accountid'] ?? 0);
        if ($serviceId <= 0) {
            return ['result' => 'error', 'message' => 'Service ID is required'];
        }
        return ModuleRunner::run($action, $serviceId, $options);
    }
}
