/// The policy compiler the executable uses.
public enum GatewayPolicyCompiler {
    /// Allow-all until the PolicyEngine's compiler is wired in; then the engine's compiler.
    public static var `default`: any PolicyCompiler { AllowAllPolicyCompiler() }
}
