/// The policy compiler the executable uses.
public enum GatewayPolicyCompiler {
    /// The policy engine's compiler, with a fresh rate limiter.
    public static var `default`: any PolicyCompiler { EnginePolicyCompiler() }
}
